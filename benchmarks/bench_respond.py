"""Benchmark lrnn.respond on T = 10⁵ samples against the naive methods a reader would write.

Baselines, timed in the same run:
* a Python loop over time running the exact ZOH recurrence h ← A h + B x, y = cᵀh (model targets);
* a "bare" FFT convolution of the input with the kernel sampled at the left ends of the cells
  (scipy.signal.fftconvolve) — as fast as respond, but a Riemann sum, so only O(dt) accurate.

Run:  python benchmarks/bench_respond.py      (prints a Markdown table)
"""

from __future__ import annotations


import numpy as np
from scipy import signal

import lrnn
from lrnn import kernels
from _timing import best_of  # noqa: E402


def python_loop(model, x, dt):
    A, B = model.discretise(dt)
    B, c = B[:, 0], model.c
    h = np.zeros(model.hidden_size)
    y = np.empty(len(x))
    for n, xn in enumerate(x):
        h = A @ h + B * xn
        y[n] = c @ h
    return y


def bare_fft(kernel_fn, x, dt):
    rho = kernel_fn(dt * np.arange(len(x)))
    return signal.fftconvolve(x, rho)[: len(x)] * dt


def main(T: int = 100_000, dt: float = 0.01) -> None:
    x = lrnn.signals.white_noise(T, dt, seed=0)
    rng = np.random.default_rng(1)
    W = rng.standard_normal((8, 8)) - 5 * np.eye(8)
    dense = lrnn.LinearRNN(W, rng.standard_normal(8), rng.standard_normal(8))
    cases = [
        ("dense LinearRNN, m = 8", dense, dense.kernel),
        ("diagonal LinearRNN, m = 32", lrnn.LinearRNN.diagonal(np.geomspace(0.01, 10, 32), np.ones(32) / 32), None),
        ("PowerLaw(ω = 0.5)", kernels.PowerLaw(0.5), None),
        ("Airy(lag = 10)", kernels.Airy(10.0), None),
    ]
    print(f"T = {T}, dt = {dt}\n")
    print("| system | respond | Python loop | loop / respond | bare FFT (Riemann) | its max error / max abs y | "
          "respond vs loop |")
    print("|---|---|---|---|---|---|---|")
    for name, system, kfn in cases:
        t_resp, y = best_of(lambda: lrnn.respond(system, x, dt))
        kfn = kfn or (system.kernel if isinstance(system, lrnn.LinearRNN) else system)
        t_fft, y_fft = best_of(lambda: bare_fft(kfn, x, dt))
        scale = np.max(np.abs(y))
        if isinstance(system, lrnn.LinearRNN):
            t_loop, y_loop = best_of(lambda: python_loop(system, x, dt), repeat=1)
            loop = f"{t_loop * 1e3:.0f} ms"
            ratio = f"{t_loop / t_resp:.0f}×"
            agree = f"{np.max(np.abs(y - y_loop)) / scale:.1e}"
        else:
            loop, ratio, agree = "—", "—", "—"
        err_fft = np.max(np.abs(y - y_fft)) / scale
        print(f"| {name} | {t_resp * 1e3:.1f} ms | {loop} | {ratio} | {t_fft * 1e3:.1f} ms | {err_fft:.1e} | {agree} |")


if __name__ == "__main__":
    main()

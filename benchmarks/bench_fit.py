"""Benchmark of lrnn.fit against the naive fits a reader would write, in one run.

Run by hand:  python benchmarks/bench_fit.py
Results go in benchmarks/README.md (section "lrnn.fit").

Two comparisons, on this machine, same process:

1. The fits the Chapter 2 widgets use (``lrnn.plots.approximation.width_fit``:
   free rates for exponential-sum targets, fixed log-spaced rates otherwise),
   for m = 1 … 32, against a naive fixed-rate fit: sample the kernel on a
   uniform grid (dt = 1e-3 up to t = 200) and call ``numpy.linalg.lstsq``.
   Reported: best-of-3 wall time per fit, the ratio naive/ours, and both
   relative L² errors (``lrnn.approximation.l2_error``: exact for exponential
   sums, adaptive quadrature of the squared difference otherwise). For the two
   exponential-sum targets "ours" includes choosing the rates (free fit), while
   the naive fit only solves for the weights of the rates ours chose.
2. Free rates for e^{-t}cos t: ``lrnn.fit`` against L-BFGS-B over the log-rates
   with numerical gradients and the grid least squares inside (dt = 1e-2 up to
   t = 60), m = 2, 4, 8.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize

import lrnn
from lrnn import approximation as A
from lrnn.plots import approximation as P
from _timing import best_of  # noqa: E402


def naive_fixed(rho, lam, dt=1e-3, t_max=200.0):
    t = np.arange(0.0, t_max, dt) + dt / 2
    E = np.exp(-np.outer(t, lam)) * np.sqrt(dt)
    a = np.linalg.lstsq(E, rho(t) * np.sqrt(dt), rcond=None)[0]
    return lrnn.LinearRNN.diagonal(lam, a)


def naive_free(rho, m, dt=1e-2, t_max=60.0):
    t = np.arange(0.0, t_max, dt) + dt / 2
    y = rho(t) * np.sqrt(dt)

    def loss(theta):
        E = np.exp(-np.outer(t, np.exp(theta))) * np.sqrt(dt)
        a = np.linalg.lstsq(E, y, rcond=None)[0]
        return float(np.sum((y - E @ a) ** 2))

    theta0 = np.log(np.geomspace(0.2, 5.0, m))
    res = optimize.minimize(loss, theta0, method="L-BFGS-B")
    lam = np.sort(np.exp(res.x))
    for k in range(1, lam.size):  # distinct rates for the final evaluation
        lam[k] = max(lam[k], lam[k - 1] * (1 + 1e-6))
    return naive_fixed(rho, lam, dt=1e-3)


def main():
    warnings.simplefilter("ignore")
    print("1. widget fits (best of 3) against a fine-grid lstsq with the same rates")
    print(f"{'target':12s} {'m':>3s} {'ours ms':>9s} {'naive ms':>9s} {'ratio':>7s} {'err ours':>10s} {'err naive':>10s}")
    rows = []
    for name in P.TARGETS:
        rho = P.target_kernel(name)
        for m in (1, 2, 4, 8, 16, 32):
            t_ours, model = best_of(lambda: P.width_fit(name, m))
            lam = -np.diag(model.W)
            t_naive, naive = best_of(lambda: naive_fixed(rho, lam))
            e_ours = A.l2_error(rho, model, relative=True)
            e_naive = A.l2_error(rho, naive, relative=True)
            rows.append((name, m, t_ours, t_naive))
            print(f"{name:12s} {m:3d} {1e3 * t_ours:9.2f} {1e3 * t_naive:9.1f} {t_naive / t_ours:7.0f} "
                  f"{e_ours:10.2e} {e_naive:10.2e}")
    worst = max(r[2] for r in rows)
    print(f"slowest widget fit: {1e3 * worst:.1f} ms")

    print("\n2. free rates for e^{-t} cos t: lrnn.fit against L-BFGS-B on a grid (numerical gradients)")
    rho = P.target_kernel("oscillatory")
    for m in (2, 4, 8):
        t_ours, model = best_of(lambda: lrnn.fit(rho, m))
        t_naive, naive = best_of(lambda: naive_free(rho, m), repeat=1)
        print(f"m={m}: ours {1e3 * t_ours:8.1f} ms, err {A.l2_error(rho, model, relative=True):.2e};  "
              f"naive {1e3 * t_naive:8.1f} ms, err {A.l2_error(rho, naive, relative=True):.2e};  "
              f"ratio {t_naive / t_ours:.0f}")


if __name__ == "__main__":
    main()

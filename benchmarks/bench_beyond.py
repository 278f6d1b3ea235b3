"""Benchmarks of chapter 5 (lrnn.memory, lrnn.reparam, lrnn.nonlinear), as ratios measured in one run.

1. The perturbation error E(β) of a width-8 fit of (1+t)^{-3/2} on 60 values of β × 34 directions: the vectorised
   closed form of ``memory.perturbed_errors`` versus the naive loop that builds each perturbed model and calls
   ``lrnn.distance``.
2. The memory function of a width-6 tanh RNN for 3 step heights on 161 times: one vectorised ODE solve with the exact
   derivative versus the naive method (explicit Euler with dt = 1e-3, one run per height, finite differences).
3. Widget updates (the drawing functions the widgets call), budget 1 s each.

Run:  python benchmarks/bench_beyond.py
"""

from __future__ import annotations


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import lrnn  # noqa: E402
import lrnn.plots.beyond as pb  # noqa: E402
from lrnn import LinearRNN, kernels, memory, nonlinear  # noqa: E402
from _timing import best_of  # noqa: E402


def main():
    target = kernels.PowerLaw(0.5)
    model = lrnn.fit(target, 8)
    r, a = -np.diag(model.W), model.c
    betas = np.geomspace(1e-6, 0.5, 60)
    ours_t, ours = best_of(lambda: memory.perturbation_error(target, model, betas))
    rng = np.random.default_rng(0)
    xi = np.vstack([np.ones(8), -np.ones(8), rng.choice([-1.0, 1.0], size=(32, 8))])

    def naive():
        out = []
        for b in betas:
            worst = 0.0
            for x in xi:
                rr = r - b * x
                e = np.inf if np.any(rr <= 0) else lrnn.distance(target, LinearRNN.diagonal(rr, a)) / target.norm()
                worst = max(worst, e)
            out.append(worst)
        return np.array(out)

    naive_t, ref = best_of(naive, repeat=1)
    fin = np.isfinite(ref)
    agree = np.max(np.abs(ours[fin] - ref[fin]) / ref[fin])
    print(f"1. perturbation error: ours {ours_t * 1e3:.1f} ms, naive {naive_t * 1e3:.0f} ms, "
          f"ratio {naive_t / ours_t:.0f}x, max relative difference {agree:.1e}, inf pattern equal: "
          f"{np.array_equal(np.isinf(ours), np.isinf(ref))}")

    rng = np.random.default_rng(1)
    net = nonlinear.TanhRNN(-np.eye(6) + 0.2 * rng.standard_normal((6, 6)), rng.standard_normal(6) / 2,
                            rng.standard_normal(6))
    t = np.linspace(0, 20, 161)
    amps = [0.1, 3.0, 10.0]
    ours_t, M = best_of(lambda: memory.memory_function(net, t, amps))

    def naive_mem():
        dt = 1e-3
        n = int(20 / dt) + 2
        best = np.zeros(t.size)
        for x in amps:
            h = np.zeros(6)
            y = np.empty(n)
            for k in range(n):
                y[k] = net.c @ h
                h = h + dt * np.tanh(net.W @ h + net.U * x)
            d = np.abs(np.gradient(y, dt)) / abs(x)
            best = np.maximum(best, np.interp(t, dt * np.arange(n), d))
        return best

    naive_t, Mn = best_of(naive_mem, repeat=1)
    print(f"2. tanh memory function: ours {ours_t * 1e3:.0f} ms, naive Euler {naive_t * 1e3:.0f} ms, "
          f"ratio {naive_t / ours_t:.0f}x, max relative difference {np.max(np.abs(M - Mn) / M):.1e} (Euler error)")

    gam = np.geomspace(0.02, 2.0, 6)
    tl = kernels.ExponentialSum(gam, 0.5 * np.sqrt(gam))
    init = LinearRNN.diagonal([0.1, 0.5, 2.0], [0.3] * 3)

    def upd_reparam():
        fig, ax = plt.subplots()
        pb.draw_reparam_runs(ax, tl, init, 0.03, 2000, names=["best"])
        fig.canvas.draw()
        plt.close(fig)

    def upd_ssm():
        fig, axes = plt.subplots(1, 2)
        pb.draw_ssm_init(axes, "lru", 32, target)
        fig.canvas.draw()
        plt.close(fig)

    def upd_pert():
        fig, ax = plt.subplots()
        pb.draw_perturbation(ax, betas, pb.perturbation_curves(kernels.PowerLaw(1.0), (2, 4, 6, 8), betas,
                                                               n_samples=8))
        fig.canvas.draw()
        plt.close(fig)

    for name, fn in (("reparam (2000 GD steps)", upd_reparam), ("ssm (m = 32)", upd_ssm),
                     ("perturbation (new ω: 4 fits)", upd_pert)):
        s, _ = best_of(fn)
        print(f"3. widget update {name}: {s * 1e3:.0f} ms")


if __name__ == "__main__":
    main()

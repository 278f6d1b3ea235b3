"""Benchmarks of lrnn.training (chapter 4), reported as ratios measured in one run.

1. One closed-form training step (loss + gradient + update) versus one step of backpropagation through an
   Euler-discretised RNN on a batch of sampled white-noise sequences (the naive method: a torch loop over time),
   and versus one step of the FFT-based sampled training of ``training.train_sampled``.
2. The figure "escape time versus lag" over seven lags (reduced model: flow, slow-manifold estimate and lower
   bound; free model: flow): wall time, budget 30 s.
3. Widget updates (the drawing functions the widgets call), budget 1 s each.

Run:  python benchmarks/bench_training.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import lrnn  # noqa: E402
import lrnn.plots.training as tp  # noqa: E402
from lrnn import LinearRNN, kernels, training  # noqa: E402
from _timing import best_seconds  # noqa: E402


def euler_bptt_step(target, w0, a0, *, dt, horizon, n_eval, batch, seed=0):
    """Return (seconds per step, relative error of the sampled loss vs the exact J) for the naive baseline."""
    import torch

    n_h = int(np.ceil(horizon / dt))
    T = n_h + n_eval
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, T)) / np.sqrt(dt)
    Y = np.stack([lrnn.respond(target, x, dt) for x in X])
    Xt = torch.as_tensor(X)
    Yt = torch.as_tensor(Y[:, n_h:])
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, a], lr=0.05)

    def step():
        opt.zero_grad()
        h = torch.zeros(batch, w.numel(), dtype=torch.float64)
        outs = []
        for n in range(T):  # the naive loop over time: explicit Euler, h_{n+1} = h_n + dt(-w h_n + x_n)
            h = h + dt * (-w * h + Xt[:, n : n + 1])
            if n >= n_h:
                outs.append(h @ a)
        yhat = torch.stack(outs, dim=1)
        loss = 0.5 * torch.mean((yhat - Yt) ** 2)
        loss.backward()
        opt.step()
        return float(loss.detach())

    with torch.no_grad():
        pass
    sec = best_seconds(step, repeat=3)
    # accuracy of the estimate at the initial point
    w.data = torch.tensor(w0, dtype=torch.float64)
    a.data = torch.tensor(a0, dtype=torch.float64)
    est = step()
    exact = training.white_noise_loss(target, w0, a0)
    return sec, abs(est - exact) / exact


def main():
    import torch

    torch.set_num_threads(1)
    lag = 6.0
    target, init, E = training.plateau_problem(lag)
    w0 = -np.diag(np.asarray(init.W))
    a0 = np.asarray(init.c)

    steps = 2000
    t_closed = best_seconds(lambda: lrnn.train(target, init, steps, 0.05)) / steps
    t_euler, _ = euler_bptt_step(target, w0, a0, dt=0.05, horizon=lag + 5, n_eval=100, batch=256)
    # accuracy of the sampled loss as an estimate of J: RMS relative error over 5 independent batches
    err_euler = np.sqrt(np.mean([euler_bptt_step(target, w0, a0, dt=0.05, horizon=lag + 5, n_eval=100,
                                                 batch=256, seed=s)[1] ** 2 for s in range(1, 6)]))
    t_fft = best_seconds(lambda: training.train_sampled(target, init, 50, 0.1, dt=0.05, horizon=lag + 5,
                                                   n_eval=100, batch=256), repeat=3) / 51
    errs = []
    for s in range(1, 6):
        run = training.train_sampled(target, init, 0, 0.1, dt=0.05, horizon=lag + 5, n_eval=100, batch=256, seed=s)
        errs.append(run.loss[0] / run.exact_loss[0] - 1)
    err_fft = float(np.sqrt(np.mean(np.square(errs))))

    print("## 1. One training step (plateau problem, lag 6, two units)")
    print(f"closed-form step (loss + gradient + update):        {t_closed * 1e6:9.1f} µs   (exact J)")
    print(f"Euler BPTT, torch loop over time, batch 256, Δ=0.05: {t_euler * 1e3:9.2f} ms   "
          f"(RMS error of the sampled loss {100 * err_euler:.1f} %)")
    print(f"FFT convolution + autograd, batch 256, Δ=0.05:      {t_fft * 1e3:9.2f} ms   "
          f"(RMS error of the sampled loss {100 * err_fft:.1f} %)")
    print(f"ratio Euler BPTT / closed form: {t_euler / t_closed:9.0f}x   (target >= 100x)")
    print(f"ratio FFT sampled / closed form: {t_fft / t_closed:9.0f}x")

    print("\n## 2. Escape time versus lag, seven lags")
    t = time.perf_counter()
    lags = np.arange(4.0, 11.0)
    taus = {"reduced": [], "slaved": [], "lower": [], "free": []}
    for ell in lags:
        g = kernels.Delayed(ell)
        drop = 0.05 * 0.5 * g.norm(2) ** 2
        fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, 1.0], [1.0, 0.0]), 1e9,
                                freeze=(0,), n_points=800)
        taus["reduced"].append(lrnn.escape_time(fl.loss, fl.times, drop=drop))
        est = training.reduced_escape_estimates(g, 1.0, drop)
        taus["slaved"].append(est["slaved"])
        taus["lower"].append(est["lower"])
        tg, ini, Eg = training.plateau_problem(ell)
        fl2 = lrnn.gradient_flow(tg, ini, 1e7, n_points=400)
        taus["free"].append(lrnn.escape_time(fl2.loss, fl2.times, drop=0.05 * Eg, level=Eg))
    fig, slopes = tp.escape_figure(lags, {k: np.array(v) for k, v in taus.items()})
    fig.canvas.draw()
    plt.close(fig)
    t_fig = time.perf_counter() - t
    print(f"escape-time figure over {lags.size} lags: {t_fig:.2f} s   (budget 30 s)   slopes "
          + ", ".join(f"{k} {v:.2f}" for k, v in slopes.items()))

    print("\n## 3. Widget updates (worst settings of each control)")

    def plateau_update():
        fig, axes = tp.new_figure(2, 1)
        tp.draw_plateau(axes, 10.0)
        fig.canvas.draw()
        plt.close(fig)

    def optimizer_update():
        fig, ax = tp.new_figure()
        tp.draw_optimizer_run(ax, 0.001, "gd", 4, lag=8.0)
        fig.canvas.draw()
        plt.close(fig)

    def escape_update():
        ls = np.arange(4.0, 9.0)
        tt, pp = [], []
        for ell in ls:
            g = kernels.Delayed(ell)
            drop = 0.05 * 0.5 * g.norm(2) ** 2
            fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, 1.5], [1.0, 0.0]),
                                    1e15, freeze=(0,), n_points=150)
            tt.append(lrnn.escape_time(fl.loss, fl.times, drop=drop))
            pp.append(training.reduced_escape_estimates(g, 1.5, drop)["slaved"])
        fig, ax = tp.new_figure()
        tp.escape_figure(ls, {"flow": np.array(tt), "estimate": np.array(pp)}, ax=ax)
        fig.canvas.draw()
        plt.close(fig)

    for name, fn in (("plateau (lag 10)", plateau_update), ("optimizer (GD, eta 1e-3, width 4, lag 8)", optimizer_update),
                     ("escape vs lag (w0 = 1.5, five lags)", escape_update)):
        print(f"{name:45s} {best_seconds(fn, repeat=2):.2f} s   (budget 1 s)")


if __name__ == "__main__":
    main()

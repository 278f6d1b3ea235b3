"""Benchmarks of lrnn.training (chapter 4), reported as ratios measured in one run.

1. One closed-form training step (loss + gradient + update; gradient descent and heavy ball) versus one step of
   backpropagation through an Euler-discretised RNN on a batch of sampled white-noise sequences (the naive method:
   a torch loop over time), and versus one step of ``training.train_sampled`` (the same empirical loss as a
   quadratic form in the discrete kernel, with its chain-rule gradient).
2. The chapter's escape-time experiments: eleven lags (4–14) of the free model and of the reduced model (flow with
   exact escape times, slow-manifold estimate, lower bound).
3. Live-widget updates of ``lrnn.widgets.training`` (blitting: only the changing artists are redrawn) against the
   naive update they replace (a new figure, drawn and encoded as PNG, plus, for the escape widget, the five
   reduced-model flows the previous version integrated on every update). Python (CPU) time of the update, which is
   what a slider waits for before the browser swaps the image.

All timings are CPU seconds (``time.process_time``), best of several repeats; on the shared 2-core machine absolute
values are inflated by the other jobs, the ratios much less. Run: ``python benchmarks/bench_training.py``.
"""

from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import lrnn  # noqa: E402
from lrnn import LinearRNN, kernels, training  # noqa: E402
from lrnn.plots import STYLE  # noqa: E402
from lrnn.plots import training as tp  # noqa: E402
from lrnn.widgets import training as tw  # noqa: E402


def cpu_best(fn, repeat: int = 3) -> float:
    """The best CPU time (s) of ``repeat`` calls of ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def euler_bptt_step(target, w0, a0, *, dt, horizon, n_eval, batch, seed=0):
    """Return (CPU seconds per step, relative error of the sampled loss vs the exact J) for the naive baseline."""
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

    sec = cpu_best(step, repeat=3)
    w.data = torch.tensor(w0, dtype=torch.float64)
    a.data = torch.tensor(a0, dtype=torch.float64)
    est = step()
    exact = training.white_noise_loss(target, w0, a0)
    return sec, abs(est - exact) / exact


def naive_plateau_update(lag):
    """What the plateau widget did before: a new figure, drawn and encoded as PNG (the flow itself cached)."""
    fig, axes = tp.new_figure(2, 1, width=3.4, height=2.9)
    tp.draw_plateau(axes, lag)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def naive_optimizer_update(lr, optimizer, width, lag):
    """A new figure with one run of lrnn.train (4000 steps), drawn and encoded as PNG."""
    fig, ax = tp.new_figure(1, 1, width=6.0, height=3.2)
    target, init, E = training.plateau_problem(lag, width=width)
    run = training.train(target, init, 4000, lr, optimizer)
    ok = np.isfinite(run.loss)
    ax.semilogx(np.arange(run.loss.size)[ok][1:], run.loss[ok][1:] / E)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def naive_escape_update(w0, lags=(4.0, 5.0, 6.0, 7.0, 8.0)):
    """The previous escape widget's update: five reduced-model flows to 1e15 and the estimates, a new figure."""
    taus, pred = [], []
    for lag in lags:
        g = kernels.Delayed(lag)
        drop = 0.05 * 0.5 * g.norm(2) ** 2
        fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, w0], [1.0, 0.0]), 1e15,
                                freeze=(0,), n_points=150)
        taus.append(lrnn.escape_time(fl.loss, fl.times, drop=drop))
        pred.append(training.reduced_escape_estimates(g, w0, drop)["slaved"])
    fig, ax = tp.new_figure(1, 1, width=6.0, height=3.4)
    tp.escape_figure(np.array(lags), {"flow": np.array(taus), "estimate": np.array(pred)}, ax=ax)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def main():
    import torch

    torch.set_num_threads(1)
    matplotlib.rcParams.update(STYLE)
    lag = 6.0
    target, init, E = training.plateau_problem(lag)
    w0 = -np.diag(np.asarray(init.W))
    a0 = np.asarray(init.c)

    print("## 1. One training step (plateau problem, lag 6, two units)")
    steps = 2000
    t_gd = cpu_best(lambda: lrnn.train(target, init, steps, 0.05)) / steps
    t_hb = cpu_best(lambda: lrnn.train(target, init, steps, 0.005, "momentum", momentum=0.9)) / steps
    t_euler, _ = euler_bptt_step(target, w0, a0, dt=0.05, horizon=lag + 5, n_eval=100, batch=256)
    err_euler = np.sqrt(np.mean([euler_bptt_step(target, w0, a0, dt=0.05, horizon=lag + 5, n_eval=100,
                                                 batch=256, seed=s)[1] ** 2 for s in range(1, 6)]))
    t_quad = cpu_best(lambda: training.train_sampled(target, init, 200, 0.1, dt=0.05, horizon=lag + 5,
                                                     n_eval=100, batch=256)) / 201
    errs = [training.train_sampled(target, init, 0, 0.1, dt=0.05, horizon=lag + 5, n_eval=100, batch=256,
                                   seed=s).loss[0] / training.white_noise_loss(target, w0, a0) - 1 for s in range(1, 6)]
    err_quad = float(np.sqrt(np.mean(np.square(errs))))
    print(f"closed-form step, gradient descent (loss + gradient + update): {t_gd * 1e6:8.1f} µs   (exact J)")
    print(f"closed-form step, heavy ball:                                  {t_hb * 1e6:8.1f} µs")
    print(f"Euler BPTT, torch loop over time, batch 256, Δ = 0.05:          {t_euler * 1e3:8.2f} ms   "
          f"(RMS error of the sampled loss {100 * err_euler:.1f} %)")
    print(f"train_sampled (quadratic form in K̂), same data size:            {t_quad * 1e3:8.3f} ms   "
          f"(RMS error of the sampled loss {100 * err_quad:.1f} %; the data are summarised once, "
          "so a step costs the same for any batch)")
    print(f"ratio Euler BPTT / closed form:   {t_euler / t_gd:8.0f}x   (target >= 100x)")
    print(f"ratio train_sampled / closed form: {t_quad / t_gd:8.1f}x")

    print("\n## 2. The chapter's escape-time experiments, lags 4-14")
    lags = np.arange(4.0, 15.0)

    def free():
        out = []
        for ell in lags:
            tg, ini, Eg = training.plateau_problem(ell)
            out.append(lrnn.gradient_flow(tg, ini, 1e9, n_points=300, drop=0.05 * Eg, level=Eg).escape)
        return np.array(out)

    def reduced():
        out = []
        for ell in lags:
            g = kernels.Delayed(ell)
            drop = 0.05 * 0.5 * g.norm(2) ** 2
            est = training.reduced_escape_estimates(g, 1.0, drop)
            fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, 1.0], [1.0, 0.0]),
                                    30 * est["slaved"], freeze=(0,), n_points=100, drop=drop)
            out.append((fl.escape, est["slaved"], est["lower"]))
        return np.array(out)

    t_free = cpu_best(free, repeat=1)
    t_red = cpu_best(reduced, repeat=1)
    print(f"free model, 11 flows with exact escape times:              {t_free:.2f} s")
    print(f"reduced model, 11 flows + slow-manifold estimates + bounds: {t_red:.2f} s")
    g = kernels.Delayed(10.0)
    drop = 0.05 * 0.5 * g.norm(2) ** 2
    t_est = cpu_best(lambda: training.reduced_escape_estimates(g, 1.0, drop), repeat=5)
    t_slow = cpu_best(lambda: training.reduced_escape_estimates(g, 1.0, drop, lower=False), repeat=5)
    print(f"reduced_escape_estimates at lag 10: {t_est * 1e3:.1f} ms (slow-manifold time alone {t_slow * 1e3:.1f} ms)")

    print("\n## 3. Widget updates: CPU time of one update, blitted (ours) against a rebuilt figure (naive)")
    for ell in (4.0, 10.0):
        tp.plateau_flow(ell)                         # both paths use the cached flows
    plateau = tw.plateau_widget()
    optimizer = tw.optimizer_widget()
    escape = tw.escape_widget()
    rows = [
        ("plateau, lag 4 -> 10 (flows cached)", lambda: (plateau.update(4.0), plateau.update(10.0)),
         lambda: (naive_plateau_update(4.0), naive_plateau_update(10.0)), 2),
        ("optimiser: GD η = 0.001, width 4, lag 8 (new run, 4000 steps)",
         lambda: (tp.optimizer_run.cache_clear(), optimizer.update(lr=0.001, optimizer="gd", width=4, lag=8.0)),
         lambda: naive_optimizer_update(0.001, "gd", 4, 8.0), 1),
        ("optimiser: a setting already visited (cached run)",
         lambda: optimizer.update(lr=0.05, optimizer="gd", width=2, lag=7.0), None, 1),
        ("escape vs lag, λ₀ = 1.5, 11 lags (estimates recomputed)",
         lambda: (tp.reduced_estimates.cache_clear(), escape.update(1.5)),
         lambda: naive_escape_update(1.5), 1),
    ]
    print(f"{'update':64s} {'ours':>9s} {'naive':>9s} {'ratio':>7s}")
    for name, ours, naive, n in rows:
        t_ours = cpu_best(ours, repeat=3) / n
        if naive is None:
            print(f"{name:64s} {t_ours * 1e3:7.0f}ms {'':>9s} {'':>7s}")
            continue
        t_naive = cpu_best(naive, repeat=1 if "escape" in name else 3) / n
        print(f"{name:64s} {t_ours * 1e3:7.0f}ms {t_naive * 1e3:7.0f}ms {t_naive / t_ours:6.1f}x")


if __name__ == "__main__":
    main()

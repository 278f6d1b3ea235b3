"""Benchmarks of chapter 5 (lrnn.memory, lrnn.reparam, lrnn.nonlinear and their figures and widgets).

Times are CPU seconds of this process (``time.process_time``, best of 3 where repeated), which on a shared machine
approximate the wall time on an idle one; every speed is also given as a ratio against a baseline run in the same
process. Run with ``OPENBLAS_NUM_THREADS=1`` (small matrices; idle BLAS threads otherwise spin and count as CPU).

1. The perturbation error E(δ) of a width-8 fit of (1+t)^{-3/2} on 60 values of δ × 34 directions: the vectorised
   closed form of ``memory.perturbed_errors`` versus the naive loop that builds each perturbed model and calls
   ``lrnn.distance``.
2. The memory function of a width-6 tanh RNN for 3 step heights on 161 times: one vectorised ODE solve with the exact
   derivative versus the naive method (explicit Euler with dt = 1e-3, one run per height, finite differences).
3. Training the width-6 tanh RNN of the chapter (150 Adam steps): hand-written backpropagation through time
   (``nonlinear.train_tanh_rnn``) versus the same model in torch (autograd + ``torch.optim.Adam``), which the
   package used before.
4. Reparameterised gradient descent on the white-noise loss, 12 runs (4 maps × 3 steps) of 2000 steps:
   ``reparam.train_reparameterised_many`` (vectorised over the runs) versus 12 calls of
   ``reparam.train_reparameterised`` versus 12 calls of ``lrnn.train`` for the direct map (plain training).
5. Live widgets of the chapter: CPU time of one update (a control moved; median over the moves listed), budget
   200 ms, and the time to create each widget.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_beyond.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

import lrnn  # noqa: E402
from lrnn import LinearRNN, kernels, memory, nonlinear, reparam  # noqa: E402
from lrnn.plots import STYLE  # noqa: E402
from lrnn.widgets import beyond as bw  # noqa: E402

matplotlib.rcParams.update(STYLE)


def cpu_best(fn, repeat: int = 3):
    """Best CPU time (s) of ``repeat`` calls of ``fn`` and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


def perturbation():
    target = kernels.PowerLaw(0.5)
    model = lrnn.fit(target, 8)
    r, a = -np.diag(model.W), model.c
    deltas = np.geomspace(1e-6, 0.5, 60)
    ours_t, ours = cpu_best(lambda: memory.perturbation_error(target, model, deltas))
    rng = np.random.default_rng(0)
    xi = np.vstack([np.ones(8), -np.ones(8), rng.choice([-1.0, 1.0], size=(32, 8))])

    def naive():
        out = []
        for d in deltas:
            worst = 0.0
            for x in xi:
                rr = r - d * x
                e = np.inf if np.any(rr <= 0) else lrnn.distance(target, LinearRNN.diagonal(rr, a)) / target.norm()
                worst = max(worst, e)
            out.append(worst)
        return np.array(out)

    naive_t, ref = cpu_best(naive, repeat=1)
    fin = np.isfinite(ref)
    agree = np.max(np.abs(ours[fin] - ref[fin]) / ref[fin])
    print(f"1. perturbation error: ours {ours_t * 1e3:.1f} ms, naive {naive_t * 1e3:.0f} ms, "
          f"ratio {naive_t / ours_t:.0f}x, max relative difference {agree:.1e}, inf pattern equal: "
          f"{np.array_equal(np.isinf(ours), np.isinf(ref))}")


def tanh_memory():
    rng = np.random.default_rng(1)
    net = nonlinear.TanhRNN(-np.eye(6) + 0.2 * rng.standard_normal((6, 6)), rng.standard_normal(6) / 2,
                            rng.standard_normal(6))
    t = np.linspace(0, 20, 161)
    amps = [0.1, 3.0, 10.0]
    ours_t, M = cpu_best(lambda: memory.memory_function(net, t, amps))

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

    naive_t, Mn = cpu_best(naive_mem, repeat=1)
    print(f"2. tanh memory function: ours {ours_t * 1e3:.0f} ms, naive Euler {naive_t * 1e3:.0f} ms, "
          f"ratio {naive_t / ours_t:.0f}x, max relative difference {np.max(np.abs(M - Mn) / M):.1e} (Euler error)")


def tanh_training():
    import torch

    from lrnn import respond, signals

    target, m, steps, lr, dt, horizon, n_eval, batch, seed = kernels.Exponential(0.5), 6, 150, 0.03, 0.25, 8.0, 16, 16, 0
    ours_t, run = cpu_best(lambda: nonlinear.train_tanh_rnn(target, m, steps, lr=lr, dt=dt, horizon=horizon,
                                                            n_eval=n_eval, batch=batch, seed=seed))

    def torch_version():
        n = int(np.ceil(horizon / dt)) + n_eval
        X = np.stack([signals.white_noise(n, dt, seed=seed * 1000 + j) for j in range(batch)])
        Y = np.stack([respond(target, x, dt) for x in X])[:, -n_eval:]
        rng = np.random.default_rng(seed)
        W0 = -np.eye(m) + 0.1 * rng.standard_normal((m, m)) / np.sqrt(m)
        U0, c0 = rng.standard_normal(m) / np.sqrt(m), rng.standard_normal(m) / np.sqrt(m)
        W, U, c = (torch.tensor(p, requires_grad=True) for p in (W0, U0, c0))
        Xt, Yt = torch.tensor(X), torch.tensor(Y)
        opt = torch.optim.Adam([W, U, c], lr=lr)
        losses = []
        for k in range(steps + 1):
            opt.zero_grad()
            h = torch.zeros(batch, m, dtype=torch.float64)
            outs = []
            for j in range(n):
                h = h + dt * torch.tanh(h @ W.T + Xt[:, j:j + 1] * U)
                if j >= n - n_eval:
                    outs.append(h @ c)
            loss = torch.mean((torch.stack(outs, dim=1) - Yt) ** 2)
            losses.append(loss.item())
            if k < steps:
                loss.backward()
                opt.step()
        return np.array(losses)

    torch_t, ref = cpu_best(torch_version, repeat=1)
    print(f"3. tanh RNN training (150 Adam steps): ours {ours_t * 1e3:.0f} ms, torch {torch_t * 1e3:.0f} ms, "
          f"ratio {torch_t / ours_t:.1f}x, max relative difference of the losses "
          f"{np.max(np.abs(run.loss - ref) / ref):.1e}")


def reparam_training():
    gam = np.geomspace(0.02, 2.0, 6)
    target = kernels.ExponentialSum(gam, 0.5 * np.sqrt(gam))
    init = LinearRNN.diagonal([0.1, 0.5, 2.0], [0.3] * 3)
    names = list(reparam.NAMES) * 3
    lrs = [lr for lr in (0.005, 0.03, 0.3) for _ in reparam.NAMES]
    batched_t, batch = cpu_best(lambda: reparam.train_reparameterised_many(target, init, names, lrs, 2000))
    single_t, singles = cpu_best(lambda: [reparam.train_reparameterised(target, init, n, 2000, lr)
                                          for n, lr in zip(names, lrs)], repeat=1)
    plain_t, _ = cpu_best(lambda: [lrnn.train(target, init, 2000, lr) for lr in lrs], repeat=1)
    same = all(np.array_equal(np.isfinite(a.loss), np.isfinite(b.loss))
               and np.allclose(a.loss[np.isfinite(a.loss)], b.loss[np.isfinite(b.loss)], rtol=1e-12)
               for a, b in zip(batch, singles))
    print(f"4. reparameterised GD, 12 runs x 2000 steps: batched {batched_t * 1e3:.0f} ms, one by one "
          f"{single_t * 1e3:.0f} ms (ratio {single_t / batched_t:.1f}x), lrnn.train (direct map only, 12 runs) "
          f"{plain_t * 1e3:.0f} ms; batched = one by one: {same}")


def widgets():
    gam = np.geomspace(0.02, 2.0, 6)
    tl = kernels.ExponentialSum(gam, 0.5 * np.sqrt(gam))
    init = LinearRNN.diagonal([0.1, 0.5, 2.0], [0.3] * 3)
    cases = {
        "perturbation": (lambda: bw.perturbation_widget(),
                         [("delta", 1e-2), ("target", "exponential"), ("target", "power law, ω = 1"),
                          ("delta", 1e-4), ("target", "power law, ω = 0.25"), ("delta", 0.1)]),
        "reparam": (lambda: bw.reparam_widget(tl, init),
                    [("param", "exp"), ("lr", 0.1), ("optimizer", "adam"), ("lr", 1.0), ("param", "direct"),
                     ("lr", 0.001)]),
        "ssm (new settings: one extended-precision fit each)": (
            lambda: bw.ssm_widget(kernels.PowerLaw(0.5), 16),
            [("scheme", "lru"), ("modes", 8), ("scheme", "geometric"), ("modes", 24), ("scheme", "s4d-real"),
             ("modes", 12)]),
    }
    for name, (make, moves) in cases.items():
        t0 = time.process_time()
        w = make()
        created = time.process_time() - t0
        times = []
        for control, value in moves:
            t0 = time.process_time()
            w.controls[control].value = value
            times.append(time.process_time() - t0)
        print(f"5. widget {name}: created in {created:.2f} s; update median {np.median(times) * 1e3:.0f} ms, "
              f"max {max(times) * 1e3:.0f} ms over {len(times)} moves")


def main():
    perturbation()
    tanh_memory()
    tanh_training()
    reparam_training()
    widgets()


if __name__ == "__main__":
    main()

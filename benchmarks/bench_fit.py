"""Benchmark of Chapter 2's computations against the naive versions a reader would write, in one run.

Run by hand:  python benchmarks/bench_fit.py  [--quick]
Results go in benchmarks/README.md (section "Chapter 2").

Timings are CPU seconds of this process (``time.process_time``), best of 3: on a shared machine they track the
idle-machine wall time much better than wall-clock time does. Compare them as ratios within one run.

1. The fits the width widget uses (``lrnn.plots.approximation.width_fit``: free rates for exponential-sum
   targets, fixed log-spaced rates otherwise), m = 1 … 32, against a naive fixed-rate fit: sample the kernel on a
   uniform grid (dt = 1e-3 up to t = 200) and call ``numpy.linalg.lstsq``. For the two exponential-sum targets
   "ours" includes choosing the rates, while the naive fit only solves for the weights of the rates ours chose.
2. Free rates for e^{-t}cos t: ``lrnn.fit`` against L-BFGS-B over the log-rates with numerical gradients and the
   grid least squares inside (dt = 1e-2 up to t = 60), m = 2, 4, 8.
3. Errors of a model: ``approximation.l1_error`` / ``l2_error`` (vectorised adaptive Gauss–Legendre) against
   ``lrnn.distance`` (adaptive QUADPACK between the sign changes), on the chapter's width-16 free fits.
4. The chapter's free-fit experiment (five targets, m = 1, 2, 4, 8, 16, both errors): as the chapter runs it now,
   against the same fits with errors by ``lrnn.distance``, which is how the chapter computed them before.
5. Widget updates: a view that updates its artists and re-encodes one figure (what the widgets do), against
   building and rendering a new figure per update (what they did before).
"""

from __future__ import annotations

import io
import sys
import time
import warnings

import numpy as np
from scipy import optimize

import lrnn
from lrnn import approximation as A
from lrnn.plots import approximation as P


def cpu_best_of(fn, repeat: int = 3):
    """The best CPU time (s) of ``repeat`` calls of ``fn``, and the last call's result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


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


NAMES = ["exponential", "oscillatory", "delayed", "airy", "power law"]


def free_fit_experiment(error_by_distance: bool):
    """The chapter's free-fit cell; errors by approximation.l1/l2_error, or by lrnn.distance (the old way)."""
    out = {}
    for name in NAMES:
        rho = P.target_kernel(name)
        for m in (1, 2, 4, 8, 16):
            model = lrnn.fit(rho, m)
            if error_by_distance:
                out[name, m] = (A.l2_error(rho, model, relative=True) if rho.state_space() is not None
                                else lrnn.distance(rho, model, 2) / rho.norm(2),
                                lrnn.distance(rho, model, 1) / rho.norm(1))
            else:
                out[name, m] = (A.l2_error(rho, model, relative=True), A.l1_error(rho, model, relative=True))
    return out


def main(quick: bool = False):
    warnings.simplefilter("ignore")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    print("1. widget fits (CPU, best of 3) against a fine-grid lstsq with the same rates")
    print(f"{'target':12s} {'m':>3s} {'ours ms':>9s} {'naive ms':>9s} {'ratio':>7s} {'err ours':>10s} {'err naive':>10s}")
    for name in P.TARGETS:
        rho = P.target_kernel(name)
        for m in ((8, 32) if quick else (1, 2, 4, 8, 16, 32)):
            P._width_fit.cache_clear()
            t_ours, model = cpu_best_of(lambda: P._width_fit.__wrapped__(name, m))
            lam = -np.diag(model.W)
            t_naive, naive = cpu_best_of(lambda: naive_fixed(rho, lam), repeat=1)
            print(f"{name:12s} {m:3d} {1e3 * t_ours:9.2f} {1e3 * t_naive:9.1f} {t_naive / max(t_ours, 1e-6):7.0f} "
                  f"{A.l2_error(rho, model, relative=True):10.2e} {A.l2_error(rho, naive, relative=True):10.2e}")

    print("\n2. free rates for e^{-t} cos t: lrnn.fit against L-BFGS-B on a grid (numerical gradients)")
    rho = P.target_kernel("oscillatory")
    for m in (2, 4, 8):
        t_ours, model = cpu_best_of(lambda: lrnn.fit(rho, m))
        t_naive, naive = cpu_best_of(lambda: naive_free(rho, m), repeat=1)
        print(f"m={m}: ours {1e3 * t_ours:8.1f} ms, err {A.l2_error(rho, model, relative=True):.2e};  "
              f"naive {1e3 * t_naive:8.1f} ms, err {A.l2_error(rho, naive, relative=True):.2e};  "
              f"ratio {t_naive / t_ours:.0f}")

    print("\n3. errors of the width-16 free fits: approximation.l1_error / l2_error against lrnn.distance")
    for name in NAMES[1:]:
        rho = P.target_kernel(name)
        model = lrnn.fit(rho, 16)
        t1, e1 = cpu_best_of(lambda: A.l1_error(rho, model))
        d1t, d1 = cpu_best_of(lambda: lrnn.distance(rho, model, 1), repeat=1)
        t2, e2 = cpu_best_of(lambda: A.l2_error(rho, model))
        d2t, d2 = cpu_best_of(lambda: lrnn.distance(rho, model, 2), repeat=1)
        print(f"{name:12s} L1 {1e3 * t1:7.1f} ms vs {1e3 * d1t:7.1f} ms ({d1t / t1:4.0f}x, rel. diff {abs(e1 / d1 - 1):.0e})"
              f"   L2 {1e3 * t2:6.1f} ms vs {1e3 * d2t:7.1f} ms (rel. diff {abs(e2 / d2 - 1):.0e})")

    print("\n4. the chapter's free-fit experiment (5 targets x m = 1, 2, 4, 8, 16, fits and both errors)")
    t_new, _ = cpu_best_of(lambda: free_fit_experiment(False), repeat=1)
    t_old, _ = cpu_best_of(lambda: free_fit_experiment(True), repeat=1)
    print(f"errors by approximation.l1/l2_error: {t_new:.2f} s;  errors by lrnn.distance: {t_old:.2f} s;  "
          f"ratio {t_old / t_new:.1f}  (fits are single-threaded in both)")

    print("\n5. widget updates (CPU ms per update, figure encoded as PNG)")
    from lrnn.widgets.approximation import _Renderer

    def rebuild(make):
        fig = make()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        plt.close(fig)

    view = P.WidthFitView()
    plt.close(view.figure)
    render = _Renderer(view.figure)
    view.update("airy", 8)
    render()
    for m in (4, 8, 12, 16, 24, 32):
        P.width_fit("airy", m)
        P.width_error("airy", m)
    moves = [9, 12, 20, 32, 3]
    for m in moves:  # fits of the moves cached, as after one visit
        P.width_fit("airy", m)
        P.width_error("airy", m)
    t_view = min(cpu_best_of(lambda: (view.update("airy", m), render()), repeat=1)[0] for m in moves)
    t_fig = min(cpu_best_of(lambda: rebuild(lambda: P.width_fit_figure("airy", m)), repeat=1)[0] for m in moves)
    print(f"width explorer (Airy, fits cached): view {1e3 * t_view:.0f} ms, new figure {1e3 * t_fig:.0f} ms, "
          f"ratio {t_fig / t_view:.1f}")
    P._width_fit.cache_clear()
    P._width_error.cache_clear()
    view.update("airy", 8)
    t_cold = max(cpu_best_of(lambda: (view.update("airy", m), render()), repeat=1)[0] for m in (9, 20, 31))
    print(f"width explorer (Airy, a width not seen before, m <= 31): at most {1e3 * t_cold:.0f} ms")
    mview = P.MuntzView()
    plt.close(mview.figure)
    mrender = _Renderer(mview.figure)
    mview.update(P.SEQUENCES, 0.37)
    mrender()
    kappas = [0.5, 0.8, 1.23, 2.1, 3.3]
    t_view = min(cpu_best_of(lambda: (mview.update(P.SEQUENCES, g), mrender()), repeat=1)[0] for g in kappas)
    t_fig = min(cpu_best_of(lambda: rebuild(lambda: P.muntz_figure(kappa=g)), repeat=1)[0] for g in kappas)
    print(f"Müntz explorer: view {1e3 * t_view:.0f} ms, new figure {1e3 * t_fig:.0f} ms, ratio {t_fig / t_view:.1f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)

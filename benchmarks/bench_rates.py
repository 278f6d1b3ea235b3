"""Benchmarks of lrnn.rates, lrnn.l1fit and the Chapter 3 widgets, as ratios against naive baselines in one run.

Run by hand:  python benchmarks/bench_rates.py

* best L² error on the fixed grid λ_k = k: Blaschke formula (Gamma form) versus the
  extended-precision Gram solve a reader would write (mpmath, every entry in high precision);
* best L¹ error on the fixed grid: Markov's formula versus the linear program (lrnn.l1fit) versus
  what a reader would write (Nelder–Mead over the weights, each L¹ norm by adaptive quadrature);
* best L¹ error on free geometric rates: the linear program (timing only);
* Hankel singular values of a power law: Nyström discretisation (timing only);
* widget updates (Python time of one slider move, image encoded): the views of the chapter are redrawn
  from cached data; the baseline is the Chapter 3 widget of the previous edition, which recomputed
  a (p, γ) pair on demand (fits + new figure);
* Chapter 3's data in one Run All: array tails, the Proposition's width bound, L² errors of many widths
  with the kept Cauchy matrix, one-pass scrubber frames, each against the way the previous edition did it.

Both wall-clock and process (CPU) seconds are printed: on a shared machine the CPU time of this single-threaded
code is the better estimate of an idle machine's wall time.
"""

from __future__ import annotations

import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import integrate, optimize  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _timing import best_seconds  # noqa: E402

from lrnn import kernels as K  # noqa: E402
from lrnn import l1fit as L1  # noqa: E402
from lrnn import rates as R  # noqa: E402
from lrnn.plots import rates as P  # noqa: E402


def cpu_seconds(fn, repeat: int = 3) -> float:
    """The best process (CPU) time of ``repeat`` calls of ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def naive_l1(target, lam):
    """Nelder–Mead over the weights, each L¹ error by QUADPACK: what a reader would write."""
    def l1(a):
        f = lambda t: abs(float(target(t)) - a @ np.exp(-lam * t))  # noqa: E731
        return integrate.quad(f, 0, 60, limit=400)[0] + integrate.quad(f, 60, np.inf, limit=200)[0]

    return optimize.minimize(l1, x0=np.full(lam.size, 0.5), method="Nelder-Mead",
                             options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000}).fun


def main():
    print(f"# bench_rates  (cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f})\n")
    target = K.PowerLaw(0.5)

    print("## Best L2 error on lambda_k = k: Blaschke (Gamma form) vs mpmath Gram solve")
    print("| m | Blaschke [ms] | mpmath Gram [ms] | ratio | agreement |")
    print("|---|---|---|---|---|")
    for m in (16, 32, 64):
        tb = best_seconds(lambda: R.fixed_grid_errors(target, [m]))
        tg = best_seconds(lambda: R.exact_fit(target, np.arange(1.0, m + 1)), repeat=1)
        eb = R.fixed_grid_errors(target, [m])[0]
        eg = R.exact_fit(target, np.arange(1.0, m + 1))[1]
        print(f"| {m} | {1e3 * tb:.1f} | {1e3 * tg:.0f} | {tg / tb:.0f}x | {abs(eb / eg - 1):.1e} |")
    for m in (10**8, 10**100):
        tb = best_seconds(lambda: R.fixed_grid_errors(target, [m]))
        print(f"| {m:.0e} | {1e3 * tb:.1f} | infeasible | — | — |")

    print("\n## Best L1 error on lambda_k = k, power law omega = 0.5: Markov's formula vs the linear program "
          "vs Nelder-Mead + quad")
    print("| m | Markov [ms] | linear program [ms] | Nelder-Mead + quad [ms] | LP / Markov | NM / Markov | "
          "agreement (LP, NM) |")
    print("|---|---|---|---|---|---|---|")
    for m in (2, 4, 16, 64):
        lam = np.arange(1.0, m + 1)
        tm = cpu_seconds(lambda: L1.fixed_grid_l1_errors(target, [m], relative=False))
        tl = cpu_seconds(lambda: L1.best_l1_fit(target, lam, relative=False), repeat=1)
        d = L1.fixed_grid_l1_errors(target, [m], relative=False)[0]
        lp = L1.best_l1_fit(target, lam, relative=False).lp_value
        if m <= 4:
            c0 = time.process_time()
            nm = naive_l1(target, lam)
            tn = time.process_time() - c0
            naive = f"{1e3 * tn:.0f} | {tl / tm:.0f}x | {tn / tm:.0f}x | {abs(lp / d - 1):.0e}, {abs(nm / d - 1):.0e}"
        else:
            naive = f"— | {tl / tm:.0f}x | — | {abs(lp / d - 1):.0e}, —"
        print(f"| {m} | {1e3 * tm:.2f} | {1e3 * tl:.0f} | {naive} |")
    for m in (10**8, 10**100):
        tm = cpu_seconds(lambda: L1.fixed_grid_l1_errors(target, [m]))
        print(f"| {m:.0e} | {1e3 * tm:.2f} | infeasible | infeasible | — | — | — |")

    print("\n## Best L1 error on free geometric rates 64 * 2^-(k-1) (the linear program)")
    for m in (8, 16, 32):
        t = cpu_seconds(lambda: L1.best_l1_fit(target, R.geometric_rates(m)), repeat=2)
        print(f"- m = {m}: {1e3 * t:.0f} ms")

    print("\n## Hankel singular values (20 largest)")
    for om in (1.0, 0.25, 0.1):
        th = cpu_seconds(lambda: R.hankel_singular_values(K.PowerLaw(om), 20), repeat=2)
        print(f"- PowerLaw({om}): {1e3 * th:.0f} ms")

    print("\n## Widget updates (one slider move: axes redrawn from cached data, PNG encoded)")
    from lrnn.widgets import rates as W

    def old_jackson_update():
        """The previous edition: a new (p, gamma) pair was fitted on demand, then drawn on a new figure."""
        target = R.RampExponential(2.5, 0.5, 1.0)
        for m in P.JACKSON_WIDTHS:
            R.exact_fit(target, (0.5 / 3) * np.arange(1.0, m + 1.0))
            R.exact_fit(target, np.arange(1.0, m + 1.0))
        fig, ax = plt.subplots()
        P.draw_jackson(ax, P.jackson_data(2.5, 0.5))
        fig.canvas.draw()
        plt.close(fig)

    ui_j = W.jackson()
    ui_e = W.required_width()
    ui_o = W.errors_versus_width()
    rows = []
    for name, ui, values in (("Jackson (p, kappa)", ui_j, None), ("epsilon", ui_e, W.EPSILONS),
                             ("omega", ui_o, W.OMEGAS)):
        def fresh(ui=ui):
            ui.view.cache.clear()
            ui.redraw()

        rows.append((name, cpu_seconds(fresh), best_seconds(fresh), cpu_seconds(lambda ui=ui: ui.redraw())))
    t_old = cpu_seconds(old_jackson_update, repeat=1)
    print("| widget | fresh view, CPU [ms] | fresh view, wall [ms] | cached view [ms] |")
    print("|---|---|---|---|")
    for name, c, w, cached in rows:
        print(f"| {name} | {1e3 * c:.0f} | {1e3 * w:.0f} | {1e3 * cached:.2f} |")
    print(f"\nPrevious edition's Jackson update (a new pair fitted on demand, extended precision): "
          f"{1e3 * t_old:.0f} ms CPU; ratio to a fresh view now: {t_old / rows[0][1]:.1f}x")

    print("\n## Chapter 3's data in one Run All (what the notebook computes once per session)")
    run_all_paths()


def run_all_paths():
    """The paths a Run All of Chapter 3 repeats thousands of times, against the way they were done before."""
    import io

    from lrnn import _blaschke as B
    from lrnn.plots import _scrubber
    from lrnn.plots._style import new_figure

    rows = []
    k = K.PowerLaw(0.25)
    T = np.exp(np.linspace(0.0, 40.0, 3000))
    ours = cpu_seconds(lambda: k.tail(T, absolute=True))
    loop = cpu_seconds(lambda: [k.tail(float(t), absolute=True) for t in T], repeat=1)
    rows.append(("tail of a power law at 3000 times", "one array call", ours, "a call per time", loop))

    p01 = K.PowerLaw(0.1)
    ours = cpu_seconds(lambda: L1.grid_l1_width_bound(p01, 1e-2))
    le = np.concatenate([np.linspace(-700.0, -31.0, 670), np.linspace(-30.0, -1e-9, 3001)])
    level = 1e-2 * (1.0 + np.exp(le)) + np.exp(le)

    def per_eta():
        """The previous edition: a validated horizon and tail call for each eta."""
        return [p01.tail(p01.horizon(float(lv)), absolute=True) for lv in level[level < 1.0]]

    rows.append(("Proposition's width bound (3671 values of eta)", "horizons, then one tail call", ours,
                 "horizon and tail per eta", cpu_seconds(per_eta, repeat=1)))

    widths = np.unique(np.round(np.logspace(0, 8, 33)))
    B._CAUCHY.clear()
    ours = cpu_seconds(lambda: R.fixed_grid_errors(k, widths))
    slots = B._CAUCHY_SLOTS
    B._CAUCHY_SLOTS = 0                                        # a fresh Cauchy matrix for every width
    try:
        fresh = cpu_seconds(lambda: R.fixed_grid_errors(k, widths))
    finally:
        B._CAUCHY_SLOTS = slots
    rows.append(("L2 errors, grid k, 33 widths up to 1e8", "Cauchy matrix kept per node set", ours,
                 "a new Cauchy matrix per width", fresh))

    data = P.width_data(0.25)

    def frame(render):
        fig, axes = new_figure(2, 1, 4.2, 3.6)
        P.draw_errors_versus_width(axes, data)
        render(fig)
        plt.close(fig)

    dpi = 2 * _scrubber.CSS_PX_PER_INCH
    ours = cpu_seconds(lambda: frame(lambda fig: _scrubber._png(fig, dpi)))
    save = cpu_seconds(lambda: frame(lambda fig: fig.savefig(io.BytesIO(), format="png", dpi=dpi)))
    rows.append(("one 2x PNG scrubber frame (two panels)", "one Agg pass", ours, "savefig (layout pass + render)",
                 save))
    print("| task | now | CPU [ms] | before | CPU [ms] | ratio |")
    print("|---|---|---|---|---|---|")
    for task, how, t, base, tb in rows:
        print(f"| {task} | {how} | {1e3 * t:.1f} | {base} | {1e3 * tb:.1f} | {tb / t:.1f}x |")


if __name__ == "__main__":
    main()

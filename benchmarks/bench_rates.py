"""Benchmarks of lrnn.rates and the Chapter 3 widgets, as ratios against naive baselines in the same run.

Run by hand:  python benchmarks/bench_rates.py

* best L² error on the fixed grid λ_k = k: Blaschke formula (Gamma form) versus the
  extended-precision Gram solve a reader would write (mpmath, every entry in high precision);
* Hankel singular values of a power law: Nyström discretisation (this module) — timing only;
* widget updates: redraw from precomputed data (target ≤ 100 ms) and a fresh Jackson view (≤ 1 s).
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lrnn import kernels as K  # noqa: E402
from lrnn import rates as R  # noqa: E402
from lrnn.plots import rates as P  # noqa: E402
from lrnn.plots._style import new_figure  # noqa: E402
from _timing import best_seconds  # noqa: E402


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

    print("\n## Hankel singular values (20 largest)")
    for om in (1.0, 0.25, 0.1):
        th = best_seconds(lambda: R.hankel_singular_values(K.PowerLaw(om), 20), repeat=2)
        print(f"- PowerLaw({om}): {1e3 * th:.0f} ms")
    th = best_seconds(lambda: R.hankel_singular_values(K.ExponentialSum(np.arange(1.0, 51), np.ones(50)), 20))
    print(f"- ExponentialSum, 50 terms (Gramians): {1e3 * th:.1f} ms")

    print("\n## Widget updates")
    t_pre = best_seconds(lambda: [P.width_data(o) for o in (0.1, 0.25, 0.5, 1.0)], repeat=1)
    cd = P.curse_data()

    def redraw_a():
        fig, axes = new_figure(2, 1, width=4.6, height=3.6)
        P.draw_errors_versus_width(axes, P.width_data(0.25))
        fig.canvas.draw()
        plt.close(fig)

    def redraw_b():
        fig, ax = new_figure(1, 1, width=6.0, height=3.8)
        P.draw_required_width(ax, cd, 1e-3)
        fig.canvas.draw()
        plt.close(fig)

    def fresh_c():
        P.jackson_data.cache_clear()
        fig, ax = new_figure(1, 1, width=5.6, height=3.8)
        P.draw_jackson(ax, P.jackson_data(2.5, 0.5))
        fig.canvas.draw()
        plt.close(fig)

    def artists_a():
        fig, axes = new_figure(2, 1, width=4.6, height=3.6)
        P.draw_errors_versus_width(axes, P.width_data(0.25))
        plt.close(fig)

    from lrnn.widgets import rates as W

    ui_a = W.errors_versus_width()
    ui_b = W.required_width()

    def swap(ui):
        slider = ui.children[0]
        options = [v for _, v in slider.options]
        i = options.index(slider.value)
        slider.value = options[(i + 1) % len(options)]

    print(f"- (a) precompute 4 values of omega once: {t_pre:.2f} s; a fresh redraw would cost: data + artists "
          f"{1e3 * best_seconds(artists_a):.0f} ms, with rendering to pixels {1e3 * best_seconds(redraw_a):.0f} ms; "
          f"the widget's update (pre-rendered swap): {1e3 * best_seconds(lambda: swap(ui_a)):.2f} ms")
    print(f"- (b) a fresh redraw for a new epsilon: {1e3 * best_seconds(redraw_b):.0f} ms; "
          f"the widget's update (pre-rendered swap): {1e3 * best_seconds(lambda: swap(ui_b)):.2f} ms")
    print(f"- (c) new (p, gamma) pair, computed and drawn: {1e3 * best_seconds(fresh_c, repeat=2):.0f} ms")


if __name__ == "__main__":
    main()

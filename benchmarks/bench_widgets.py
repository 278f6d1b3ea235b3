"""Live-widget updates of every chapter, on the shared renderer (lrnn.widgets._base.FigureImage), in one run.

For each widget: the CPU time of one control move (median over several moves, the numbers behind the view
already cached, as after a first visit), the number of moves that redrew the whole figure (the rest blitted only
the changing artists), and the time of the naive update it replaces — a new figure, drawn and encoded as PNG at
the widget's resolution — measured in the same run, so the ratio is meaningful on a loaded machine. Absolute
times on the shared 2-core machine are inflated; the book's budget is 200 ms per update on an idle machine.

    python benchmarks/bench_widgets.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrnn import kernels  # noqa: E402
from lrnn.plots import STYLE  # noqa: E402
from lrnn.plots import approximation as pa  # noqa: E402
from lrnn.plots import memory as pm  # noqa: E402
from lrnn.plots import rates as pr  # noqa: E402
from lrnn.plots import training as pt  # noqa: E402


def cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def rebuild(make, dpi: float) -> None:
    """The naive update: a new figure, drawn and encoded as PNG."""
    fig = make()
    fig = fig[0] if isinstance(fig, tuple) else fig
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)


def measure(name, ui, moves, make_fresh, dpi):
    """``moves``: (control, value) pairs; ``make_fresh(value)`` builds the equivalent static figure."""
    draws = ui.renderer.full_draws
    new, old = [], []
    for control, value in moves:
        new.append(cpu(lambda: setattr(ui.controls[control], "value", value)))
        old.append(cpu(lambda: rebuild(lambda: make_fresh(control, value), dpi)))
    full = ui.renderer.full_draws - draws
    n, o = statistics.median(new), statistics.median(old)
    print(f"| {name} | {1e3 * n:.0f} | {full}/{len(moves)} | {1e3 * o:.0f} | {o / n:.1f} |")


def main() -> None:
    warnings.simplefilter("ignore")
    matplotlib.rcParams.update(STYLE)
    from lrnn.widgets import approximation as wa
    from lrnn.widgets import beyond as wb
    from lrnn.widgets import memory as wm
    from lrnn.widgets import rates as wr
    from lrnn.widgets import training as wt

    print("| widget | update, CPU [ms] | full redraws | new figure, CPU [ms] | ratio |")
    print("|---|---|---|---|---|")

    ui = wm.kernel_explorer("power law", 3.0, "step")
    measure("memory.kernel_explorer (memory M)", ui, [("memory", v) for v in (4.0, 9.5, 2.0, 12.0, 6.5)],
            lambda c, v: pm.kernel_response("power law", v, "step"), wm.DPI)
    ui = wm.rnn_explorer(units=4)
    measure("memory.rnn_explorer (pair rate)", ui, [("a", v) for v in (0.05, 0.9, 0.2, 2.0, 0.5)],
            lambda c, v: pm.rnn_response(pm.modal_rnn([1.0, 0.3], pair=(v, 1.5))), wm.DPI)

    for m in range(1, 33):
        pa.width_error("power law", m)
    ui = wa.width_explorer("power law", 4)
    measure("approximation.width_explorer (new width)", ui, [("m", v) for v in (5, 9, 13, 17, 21, 25)],
            lambda c, v: pa.width_fit_figure("power law", v), wa.DPI)
    ui = wa.muntz_explorer(1.0)
    measure("approximation.muntz_explorer (kappa)", ui, [("kappa", v) for v in (0.37, 0.5, 0.7, 1.3, 2.2, 3.1)],
            lambda c, v: pa.muntz_figure(kappa=v), wa.DPI)

    ui = wr.required_width()
    measure("rates.required_width (new epsilon)", ui, [("epsilon", v) for v in (1e-1, 3e-2, 3e-3, 1e-3)],
            lambda c, v: pr.required_width_versus_omega(v), wr.DPI)

    ui = wt.plateau_widget(lags=(5.0, 6.0, 7.0))
    for lag in (5.0, 6.0, 7.0):
        ui.update(lag)
    measure("training.plateau_widget (lag)", ui, [("lag", v) for v in (5.0, 6.0, 7.0, 5.0, 6.0)],
            lambda c, v: pt.plateau_figure(v, reference_lags=()), 100)
    ui = wt.escape_widget()
    for w0 in (1.0, 1.5, 0.5):
        ui.update(w0)
    measure("training.escape_widget (λ₀, estimates cached)", ui, [("w0", v) for v in (1.5, 0.5, 1.0, 1.5)],
            lambda c, v: _escape_figure(v), 100)

    from lrnn.plots import beyond as pb

    deltas = np.geomspace(1e-6, 0.5, 30)
    ui = wb.perturbation_widget(widths=(2, 4), deltas=deltas)
    curves = pb.perturbation_curves(kernels.PowerLaw(0.5), (2, 4), deltas)
    measure("beyond.perturbation_widget (delta)", ui, [("delta", v) for v in (1e-4, 1e-2, 1e-5, 0.1, 3e-3)],
            lambda c, v: _perturbation_figure(curves, v, deltas), wb.DPI)
    ui = wb.ssm_widget(kernels.PowerLaw(0.5), 8)
    for m in (4, 6, 10, 12):
        ui.controls["modes"].value = m
    measure("beyond.ssm_widget (modes, fits cached)", ui, [("modes", v) for v in (4, 6, 10, 12)],
            lambda c, v: __import__("lrnn.plots.beyond", fromlist=["x"]).ssm_figure("s4d-lin-layer", v,
                                                                                    kernels.PowerLaw(0.5)), wb.DPI)


def _escape_figure(w0):
    fig, ax = plt.subplots()
    pt.draw_reduced_estimates(ax, w0)
    return fig


def _perturbation_figure(curves, delta, deltas):
    from lrnn.plots import beyond as pb

    fig, ax = plt.subplots()
    pb.draw_perturbation(ax, deltas, curves, delta_marker=delta)
    return fig


if __name__ == "__main__":
    main()

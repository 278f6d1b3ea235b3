"""The boundary contract (tests/_contract.py) for lrnn.views and the figure and widget entry points.

One line per public function: the harness varies each argument alone through bad and extreme values and asserts a
finite answer (for figures: a figure) or a clear ValueError/TypeError naming the argument, in bounded time and
memory.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from _contract import Contract  # noqa: E402

import lrnn  # noqa: E402
from lrnn import kernels as K  # noqa: E402
from lrnn import views  # noqa: E402
from lrnn.plots import approximation as pa  # noqa: E402
from lrnn.plots import memory as pm  # noqa: E402
from lrnn.plots import rates as pr  # noqa: E402

_MODEL = views.modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0))


class LeakedFigure(Exception):
    """A figure function that failed but left a figure open (the inline backend would show it)."""


def _figure(make):
    """A figure function made contract-checkable: the figure is closed, its number of axes returned; a failed
    call must not leave a figure open."""
    def call(**kwargs):
        before = set(plt.get_fignums())
        try:
            fig = make(**kwargs)
        except BaseException:
            leaked = set(plt.get_fignums()) - before
            if leaked:
                for number in leaked:
                    plt.close(number)
                raise LeakedFigure(f"{len(leaked)} figure(s) left open") from None
            raise
        fig = fig[0] if isinstance(fig, tuple) else fig
        n = len(fig.axes)
        plt.close(fig)
        return n
    call.__name__ = call.__qualname__ = getattr(make, "__name__", "figure")
    return call


VIEWS = [
    Contract(views.memory_kernel, dict(family="power law", memory=2.0)),
    Contract(views.input_signal, dict(name="smooth random", n=64, dt=0.05, seed=3), kinds={"seed": "seed"}),
    Contract(views.grid_size, dict(t_max=4.0, dt=0.05)),
    Contract(views.modal_rnn, dict(rates=[0.5, 2.0], weights=[1.0, -0.5], pair=(0.2, 1.0), pair_weight=1.5)),
    Contract(views.mode_contributions, dict(model=_MODEL, t=np.linspace(0.0, 5.0, 11))),
    Contract(views.three_views, dict(model=_MODEL, x=np.linspace(-1.0, 1.0, 40), dt=0.1)),
    Contract(views.mollified_sign, dict(kernel=K.Airy(5.0), s=np.linspace(0.0, 20.0, 41), width=0.1,
                                        horizon=20.0)),
    Contract(views.norm_attainment, dict(kernel=K.Airy(5.0), widths=[0.3, 0.03], t=10.0, dt=0.01)),
]

PLOT_DATA = [
    Contract(pa.target_kernel, dict(name="airy")),
    Contract(pa.width_fit, dict(name="power law", m=4)),
    Contract(pa.width_error, dict(name="power law", m=4)),
    Contract(pa.sequence_rates, dict(name="k^2", m=8)),
    Contract(pa.muntz_errors, dict(name="2^k", widths=[1, 4, 16], kappa=0.37)),
    Contract(pa.muntz_errors, dict(name="log-spaced", widths=[1, 4, 16], kappa=0.37), name="muntz_errors(grids)"),
    Contract(pa.muntz_plateau, dict(name="k^2", kappa=0.37)),
    Contract(pa.narrow_bump, dict(width=0.1, lag=1.0)),
    Contract(pr.asymptotic_fixed_error, dict(width=[16.0, 1e8], omega=0.5)),
    Contract(pr.asymptotic_fixed_l1_error, dict(width=[16.0, 1e8], omega=0.5, beta=1.0)),
]
# pr.widths_from_curves returns NaN by design where a width lies beyond the curves (tested in test_plots_rates.py).

FIGURES = [
    Contract(_figure(pm.kernel_gallery), dict(t_max=20.0, log_panel=False), name="plots.memory.kernel_gallery"),
    Contract(_figure(pm.temporal_map_diagram), dict(t=8.0), name="plots.memory.temporal_map_diagram"),
    Contract(_figure(pm.kernel_response), dict(family="airy", memory=3.0, signal="white noise", t_max=10.0,
                                               dt=0.05, seed=2, normalise=True), name="plots.memory.kernel_response"),
    Contract(_figure(pm.rnn_response), dict(model=_MODEL, signal="sinusoid", t_max=10.0, dt=0.05, seed=0),
             name="plots.memory.rnn_response"),
    Contract(_figure(pm.norm_attainment_figure), dict(kernel=K.Airy(5.0), widths=[0.3, 0.03], t=10.0, dt=0.01),
             name="plots.memory.norm_attainment_figure"),
    Contract(_figure(pm.three_views_figure), dict(model=_MODEL, x=np.linspace(-1.0, 1.0, 40), dt=0.1),
             name="plots.memory.three_views_figure"),
    Contract(_figure(pa.width_fit_figure), dict(name="delayed", m=4), name="plots.approximation.width_fit_figure"),
    Contract(_figure(pa.muntz_figure), dict(names=["k", "2^k"], kappa=0.37), name="plots.approximation.muntz_figure",
             kinds={"names": "array"}),
    Contract(_figure(pr.required_width_versus_omega), dict(epsilon=1e-2),
             name="plots.rates.required_width_versus_omega"),
    Contract(_figure(pr.grids_diagram), dict(omega=0.5, width=16), name="plots.rates.grids_diagram"),
]


def _widget(make):
    """A widget made contract-checkable: built, its figure detached from pyplot (nothing to close)."""
    def call(**kwargs):
        ui = make(**kwargs)
        return len(ui.children)
    call.__name__ = call.__qualname__ = getattr(make, "__name__", "widget")
    return call


def _widgets():
    pytest.importorskip("ipywidgets")
    from lrnn.widgets import approximation as wa
    from lrnn.widgets import memory as wm
    from lrnn.widgets import rates as wr

    return [
        Contract(_widget(wm.kernel_explorer), dict(family="delayed", memory=3.0, signal="step"),
                 name="widgets.memory.kernel_explorer"),
        Contract(_widget(wm.rnn_explorer), dict(units=3), name="widgets.memory.rnn_explorer"),
        Contract(_widget(wa.width_explorer), dict(name="exponential", m=3), name="widgets.approximation.width_explorer"),
        Contract(_widget(wa.muntz_explorer), dict(kappa=0.5), name="widgets.approximation.muntz_explorer"),
        Contract(_widget(wr.required_width), dict(value=0.1), name="widgets.rates.required_width"),
    ]


@pytest.mark.parametrize("contract", VIEWS + PLOT_DATA, ids=str)
def test_contract(contract):
    contract.check()


@pytest.mark.parametrize("contract", FIGURES, ids=str)
def test_contract_figures(contract):
    contract.check()


@pytest.mark.parametrize("index", range(5))
def test_contract_widgets(index):
    _widgets()[index].check()

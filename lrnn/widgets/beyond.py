"""Live experiments of the "beyond the paper" chapter (wrapping :mod:`lrnn.plots.beyond`)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import kernels as K
from ..plots import beyond as bp
from ..plots._style import new_figure
from ._base import live

__all__ = ["reparam_widget", "ssm_widget", "perturbation_widget"]


def _live(draw, **controls):
    """:func:`lrnn.widgets.live`, restoring pyplot's interactive mode afterwards."""
    import matplotlib.pyplot as plt

    was = plt.isinteractive()
    ui = live(draw, **controls)
    if was:
        plt.ion()
    return ui


def reparam_widget(target, init, steps: int = 2000):
    """Parameterisation × learning rate → the loss curve and whether the run stayed stable."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from ..reparam import NAMES

    def draw(param="best", lr=0.03, optimizer="gd"):
        fig, ax = new_figure(1, 1, width=5.0, height=3.4)
        bp.draw_reparam_runs(ax, target, init, lr, steps, names=[param], optimizer=optimizer)
        plt.show()

    return _live(
        draw,
        param=widgets.Dropdown(options=list(NAMES), value="best", description="f"),
        lr=widgets.FloatLogSlider(value=0.03, base=10, min=-3, max=0.5, step=0.25, continuous_update=False,
                                  description="η"),
        optimizer=widgets.Dropdown(options=["gd", "adam"], value="gd", description="optimiser"),
    )


def ssm_widget(target, m: int = 16):
    """Initialisation scheme and number of modes → eigenvalues in the disk and the fit to the target."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from ..reparam import SCHEMES

    def draw(scheme="s4d-lin-layer", modes=m):
        fig, axes = new_figure(2, 1, width=4.2, height=3.4)
        bp.draw_ssm_init(axes, scheme, modes, target)
        plt.show()

    return _live(draw, scheme=widgets.Dropdown(options=list(SCHEMES), value="s4d-lin-layer", description="scheme"),
                 modes=widgets.IntSlider(value=m, min=2, max=32, continuous_update=False, description="modes m"))


def perturbation_widget(widths=(2, 4, 6, 8)):
    """Memory exponent ω of a power-law target (or an exponential-memory target) and the largest β shown → E_m(β)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    betas = np.geomspace(1e-6, 0.5, 40)

    @lru_cache(maxsize=16)
    def curves(kind, omega):
        if kind == "power law":
            target = K.PowerLaw(omega)
        else:
            rates = np.linspace(1.0, 10.0, 40)
            target = K.ExponentialSum(rates, np.full(40, 1 / 40))
        return bp.perturbation_curves(target, widths, betas, n_samples=8)

    def draw(kind="power law", omega=0.5, beta=1e-3):
        fig, ax = new_figure(1, 1, width=5.0, height=3.4)
        bp.draw_perturbation(ax, betas, curves(kind, omega), title=kind, beta_marker=beta)
        plt.show()

    return _live(
        draw,
        kind=widgets.Dropdown(options=["power law", "exponential"], value="power law", description="target"),
        omega=widgets.FloatSlider(value=0.5, min=0.25, max=1.5, step=0.25, continuous_update=False,
                                  description="ω"),
        beta=widgets.FloatLogSlider(value=1e-3, base=10, min=-6, max=-0.5, step=0.25, continuous_update=False,
                                    description="β"),
    )

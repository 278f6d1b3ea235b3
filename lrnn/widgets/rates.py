"""Live experiments of the chapter on approximation rates (ipywidgets).

Each wraps a drawing function of :mod:`lrnn.plots.rates`. The ω and ε views
are pre-rendered for every slider position (updates swap images); the Jackson
view is computed on demand, with visited (p, γ) pairs cached.
"""

from __future__ import annotations

from ..plots import rates as P
from ..plots._style import new_figure
from ._base import live, prerendered

__all__ = ["errors_versus_width", "required_width", "jackson"]

OMEGAS = (0.1, 0.25, 0.5, 1.0)


def _show(fig):
    """Display ``fig`` in the widget's output area and release it."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)


def errors_versus_width(omegas=OMEGAS):
    """Slider ω → errors against width (fixed grid, free exponents, Hankel lower bound).

    Every ω of ``omegas`` is computed and rendered up front (a few seconds once);
    moving the slider then swaps pre-rendered images (≈ 1 ms per update).
    """
    omegas = tuple(float(o) for o in omegas)

    def render(omega):
        fig, axes = new_figure(2, 1, width=4.6, height=3.6)
        P.draw_errors_versus_width(axes, P.width_data(float(omega)))
        return fig

    return prerendered(render, omegas, value=omegas[len(omegas) // 2], description="ω")


def required_width(epsilons=(3e-1, 1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5)):
    """Slider ε → width needed against ω on a log scale (curves precomputed, views pre-rendered)."""
    data = P.curse_data()

    def render(epsilon):
        fig, ax = new_figure(1, 1, width=6.0, height=3.8)
        P.draw_required_width(ax, data, float(epsilon))
        return fig

    return prerendered(render, [(f"{e:.0e}", e) for e in epsilons], value=1e-2, description="ε")


def jackson(powers=(0.5, 1.5, 2.5, 3.5), rates=(0.5, 1.0, 2.0)):
    """Sliders smoothness p and decay γ → observed slopes next to the Jackson slope −α.

    A new (p, γ) pair costs one extended-precision fit per width (≈ 0.3 s); visited pairs are cached.
    """
    import ipywidgets as widgets

    def draw(power=1.5, rate=1.0):
        fig, ax = new_figure(1, 1, width=5.6, height=3.8)
        P.draw_jackson(ax, P.jackson_data(float(power), float(rate)))
        _show(fig)

    return live(draw, power=widgets.SelectionSlider(options=list(powers), value=1.5, description="p"),
                rate=widgets.SelectionSlider(options=list(rates), value=1.0, description="γ"))

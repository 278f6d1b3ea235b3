"""Live experiments of Chapter 2: fits of growing width, and the Müntz–Szász dichotomy.

Each widget wraps a figure function of :mod:`lrnn.plots.approximation`, so the
live picture is the static figure of the book at other parameters. They need
``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt

from ..plots import approximation as _plots
from ._base import live

__all__ = ["width_explorer", "muntz_explorer"]


def width_explorer(name: str = "airy", m: int = 8):
    """Experiment (a): a target kernel and its width-m linear-RNN fit, with the error against m.

    Wraps :func:`lrnn.plots.approximation.width_fit_figure`. Each update fits
    one model (free rates for the exponential-sum targets, fixed log-spaced
    rates for the others; see :func:`lrnn.plots.approximation.width_fit`).

    Parameters
    ----------
    name : str, default "airy"
        Initial target, one of :data:`lrnn.plots.approximation.TARGETS`.
    m : int, default 8
        Initial width, 1 ≤ m ≤ 32.

    Returns
    -------
    ipywidgets.interactive
    """
    import ipywidgets as widgets

    _plots.target_kernel(name)  # validates name
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or not 1 <= m <= 32:
        raise ValueError(f"m must be an integer in the slider range [1, 32], got {m!r}")

    def draw(name, m):
        _plots.width_fit_figure(name, m)
        plt.show()

    return live(
        draw,
        name=widgets.Dropdown(options=list(_plots.TARGETS), value=name, description="target"),
        m=widgets.IntSlider(value=m, min=1, max=32, description="width m", continuous_update=False),
    )


def muntz_explorer(gamma: float = 0.37):
    """Experiment (b): choose exponent sequences and see the best error for e^{-γt} against m.

    Wraps :func:`lrnn.plots.approximation.muntz_figure` (exact closed-form errors).

    Parameters
    ----------
    gamma : float, default 0.37
        Initial target rate, in [0.1, 4].

    Returns
    -------
    ipywidgets.interactive
    """
    import ipywidgets as widgets

    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or not 0.1 <= gamma <= 4.0:
        raise ValueError(f"gamma must be a number in the slider range [0.1, 4], got {gamma!r}")

    def draw(sequences, gamma):
        _plots.muntz_figure(list(sequences) or ["k"], gamma)
        plt.show()

    return live(
        draw,
        sequences=widgets.SelectMultiple(options=list(_plots.SEQUENCES), value=list(_plots.SEQUENCES),
                                         description="λ_k"),
        gamma=widgets.FloatSlider(value=gamma, min=0.1, max=4.0, step=0.01, description="γ",
                                  continuous_update=False),
    )

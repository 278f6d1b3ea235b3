"""Chapter 4 widgets (lrnn.widgets.training): FastFigure blits every update (the layout and the axes stay), the
images change with the setting, and sizes are bounded."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("ipywidgets")
from lrnn.widgets import training as W  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_widgets_blit_every_update():
    plateau = W.plateau_widget(lags=(5.0, 6.0))
    a, b = plateau.update(5.0), plateau.update(6.0)
    assert a != b and plateau.renderer.full_draws == 1
    plateau.children[0].value = 5.0
    assert bytes(plateau.image.value) == a
    opt = W.optimizer_widget(steps=200)
    assert opt.update(lr=0.05) != opt.update(lr=0.01, optimizer="adam") and opt.renderer.full_draws == 1
    esc = W.escape_widget(lags=(6.0, 7.0, 8.0))
    assert esc.update(1.0) != esc.update(1.5) and esc.renderer.full_draws == 1
    assert 0.0 <= esc.redraw() < 5.0


def test_sizes_are_bounded():
    with pytest.raises(ValueError, match="steps"):
        W.optimizer_widget(steps=10**9)
    with pytest.raises(ValueError, match="lags"):
        W.plateau_widget(lags=())
    with pytest.raises(ValueError, match="lags"):
        W.escape_widget(lags=(8.0, 7.0))

"""Chapter 5 widgets (lrnn.widgets.beyond): blitting with fixed axes (one full draw), controls wired, bad
arguments refused."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrnn  # noqa: E402
from lrnn import kernels as K  # noqa: E402

pytest.importorskip("ipywidgets")
from lrnn.widgets import beyond as W  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_ssm_widget_blits_and_caches_fits():
    ui = W.ssm_widget(K.PowerLaw(0.5), 6)
    first = bytes(ui.image.value)
    ui.controls["modes"].value = 4
    ui.controls["scheme"].value = "lru"
    assert bytes(ui.image.value) != first and ui.renderer.full_draws == 1
    with pytest.raises(ValueError, match="m"):
        W.ssm_widget(K.PowerLaw(0.5), 1)
    with pytest.raises(TypeError, match="target"):
        W.ssm_widget("power law", 6)


def test_perturbation_widget_blits():
    ui = W.perturbation_widget(widths=(2, 3), deltas=np.geomspace(1e-4, 0.5, 12))
    first = bytes(ui.image.value)
    ui.controls["delta"].value = 1e-2
    ui.controls["target"].value = "exponential"
    assert bytes(ui.image.value) != first and ui.renderer.full_draws == 1


def test_reparam_widget_refuses_bad_arguments():
    init = lrnn.LinearRNN.diagonal([0.5, 2.0], [0.3, 0.3])
    with pytest.raises(ValueError, match="steps"):
        W.reparam_widget(K.PowerLaw(0.5), init, steps=10**9)
    with pytest.raises(ValueError, match="init"):
        W.reparam_widget(K.PowerLaw(0.5), lrnn.LinearRNN([[-1.0, 1.0], [0.0, -2.0]], [1.0, 1.0], [1.0, 1.0]))

"""Every public function, class and method of lrnn's core and chapters' modules documents every parameter.

The same check as tests/test_plots_docstrings.py (figures and widgets), over the modules the API appendix shows;
the kernels are checked through the names ``lrnn.kernels`` exports; result records (dataclasses) document their
fields in an ``Attributes`` section.

numpydoc style: a ``Parameters`` section whose entries name each parameter of the signature (``name : type`` or
several names in one entry, ``a, b : float``); ``*args``/``**kwargs`` as ``*name``/``**name``. A function without
parameters needs no section. The check reads the docstrings only (python-control tests its API the same way).
"""

import dataclasses
import inspect

import pytest
from test_plots_docstrings import _documented, _parameters, _public_callables

MODULES = [
    "lrnn.kernels", "lrnn.rnn", "lrnn.signals", "lrnn.distance",
    "lrnn.approximation", "lrnn.rates", "lrnn.hankel", "lrnn.l1fit", "lrnn.loss", "lrnn.optimisers",
    "lrnn.training", "lrnn.sampled", "lrnn.plateau", "lrnn.memory", "lrnn.nonlinear", "lrnn.reparam",
    "lrnn.ssm_init",
]


def _exported_here(home: str, modname: str) -> bool:
    """Documented where it is defined; names defined in a private module (lrnn._muntz, …) or in a kernels
    submodule are public through the module that exports them."""
    return home == modname or home.startswith("lrnn._") or modname == "lrnn.kernels"


CALLABLES = sorted(dict(_public_callables(MODULES, _exported_here)).items())


@pytest.mark.parametrize("qualname, obj", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_every_parameter_is_documented(qualname, obj):
    doc = obj.__doc__ if not inspect.isclass(obj) else (obj.__doc__ or "")
    assert doc and doc.strip(), f"{qualname} has no docstring"
    params = _parameters(obj)
    if not params:
        return
    documented = _documented(doc)
    if documented is None and dataclasses.is_dataclass(obj):
        documented = _documented(doc, "Attributes")    # a result record: its fields
    assert documented is not None, f"{qualname} documents no parameters (expected {params})"
    if dataclasses.is_dataclass(obj):
        params = [p for p in params if not p.startswith("_")]    # private fields are not part of the record
    missing = [p for p in params if p not in documented]
    assert not missing, f"{qualname}: parameters not documented: {missing}"

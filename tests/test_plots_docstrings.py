"""Every public function and method of lrnn.views, lrnn.plots and lrnn.widgets documents every parameter.

numpydoc style: a ``Parameters`` section whose entries name each parameter of the signature (``name : type`` or
several names in one entry, ``a, b : float``); ``*args``/``**kwargs`` as ``*name``/``**name``. A function without
parameters needs no section. The check reads the docstrings only (python-control tests its API the same way).
"""

import importlib
import inspect
import re

import pytest

MODULES = [
    "lrnn.views",
    "lrnn.plots._common",
    "lrnn.plots.memory.gallery", "lrnn.plots.memory.responses", "lrnn.plots.memory.figures",
    "lrnn.plots.memory.diagrams", "lrnn.plots.memory.scrubbers",
    "lrnn.plots.approximation.data", "lrnn.plots.approximation.width", "lrnn.plots.approximation.muntz",
    "lrnn.plots.approximation.figures", "lrnn.plots.approximation.diagrams",
    "lrnn.plots.rates.data", "lrnn.plots.rates.figures", "lrnn.plots.rates.diagrams", "lrnn.plots.rates.scrubbers",
    "lrnn.plots.training.diagrams", "lrnn.plots.training.plateau", "lrnn.plots.training.escape",
    "lrnn.plots.training.optimisers",
    "lrnn.plots.beyond.memory", "lrnn.plots.beyond.perturbation", "lrnn.plots.beyond.reparam",
    "lrnn.plots.beyond.ssm", "lrnn.plots.beyond.diagrams",
    "lrnn.widgets._base", "lrnn.widgets.memory", "lrnn.widgets.approximation", "lrnn.widgets.rates",
    "lrnn.widgets.training", "lrnn.widgets.beyond",
]


def _documented(doc: str, section: str = "Parameters") -> set[str] | None:
    """Names listed in a section (Parameters by default) of a numpydoc docstring (None: no section)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    try:
        start = next(i for i, line in enumerate(lines[:-1])
                     if line.strip() == section and set(lines[i + 1].strip()) == {"-"})
    except StopIteration:
        return None
    names: set[str] = set()
    for line in lines[start + 2:]:
        if line.strip() and not line.startswith(" ") and (set(line.strip()) == {"-"} or
                                                          line.strip() in ("Returns", "Raises", "Notes",
                                                                           "Attributes", "Examples", "Yields",
                                                                           "See Also", "References")):
            break
        if line and not line.startswith(" "):
            head = line.split(" : ")[0] if " : " in line else line
            for name in head.split(","):
                names.add(name.strip().lstrip("*"))
    return names


def _public_callables(modules=MODULES, homes=lambda home, modname: home == modname):
    """``(qualified name, object)`` of every public function, class and method the modules export.

    ``homes(home, modname)`` says whether an object defined in module ``home`` is checked through ``modname``
    (default: only where it is defined).
    """
    for modname in modules:
        module = importlib.import_module(modname)
        names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
        for name in names:
            obj = getattr(module, name)
            home = getattr(obj, "__module__", modname) or modname
            if not homes(home, modname):
                continue
            if inspect.isclass(obj):
                yield f"{home}.{name}", obj
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{home}.{name}.{attr}", member
            elif callable(obj):
                yield f"{home}.{name}", obj


CALLABLES = sorted(dict(_public_callables()).items())


def _parameters(obj) -> list[str]:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values() if p.name not in ("self", "cls")]


@pytest.mark.parametrize("qualname, obj", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_every_parameter_is_documented(qualname, obj):
    doc = obj.__doc__ if not inspect.isclass(obj) else (obj.__doc__ or "")
    assert doc and doc.strip(), f"{qualname} has no docstring"
    params = _parameters(obj)
    if not params:
        return
    documented = _documented(doc)
    assert documented is not None, f"{qualname} documents no parameters (expected {params})"
    missing = [p for p in params if p not in documented]
    assert not missing, f"{qualname}: parameters not documented: {missing}"


def test_the_checker_reads_numpydoc():
    def f(a, b, *args, c=1, **kwargs):
        """Summary.

        Parameters
        ----------
        a, b : float
            Two.
        *args
            More.
        c : int
            One.
        **kwargs
            The rest.

        Returns
        -------
        None
        """

    assert _documented(f.__doc__) == {"a", "b", "args", "c", "kwargs"}
    assert _documented("No section.") is None
    assert re.sub(r"\s", "", "x") == "x"

"""The API reference appendix: autodoc + numpydoc for lrnn, and references to re-exported names.

``lrnn`` re-exports names from the modules that define them (``lrnn.respond`` is
``lrnn.signals.respond``, ``lrnn.kernels.PowerLaw`` lives in ``lrnn.kernels.power_law``). The
appendix documents each object once, where the reader imports it from; a reference written with
another of its names (``:func:`lrnn.respond```) is resolved here to the documented one, by importing
the object and finding the documented name that holds the same object. References to private helpers
(``lrnn._limits.MAX_STEPS``, ``_eval``) render as code, without a link.
"""

from __future__ import annotations

import importlib

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _resolve_object(path: str):
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except Exception:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _documented_by_object(env):
    cache = getattr(env, "_lrnn_api_objects", None)
    if cache is None:
        cache = {}
        domain = env.get_domain("py")
        for name, entry in domain.objects.items():
            if not name.startswith("lrnn"):
                continue
            obj = _resolve_object(name)
            if obj is not None:
                cache.setdefault(id(obj), (name, entry))
        env._lrnn_api_objects = cache
    return cache


def missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if target.split(".")[-1].startswith("_") or "._" in target:
        return contnode                                # private helpers: plain code
    domain = env.get_domain("py")
    if not target.startswith("lrnn"):
        # an unqualified name in a docstring (``:func:`exact_fit```, ``:meth:`Kernel.horizon```): the documented
        # object of that name in the docstring's module, else the only one in the package
        module = node.get("py:module") or ""
        matches = [n for n in domain.objects if n.startswith("lrnn.") and n.endswith("." + target)]
        local = [n for n in matches if module and n.startswith(module + ".")]
        pick = local[0] if len(local) == 1 else (matches[0] if len(matches) == 1 else None)
        if pick is None and matches:
            # several homes (a re-export documented twice): the shortest public path
            pick = min(matches, key=len)
        if pick is not None:
            entry = domain.objects[pick]
            return domain.resolve_xref(env, node.get("refdoc"), app.builder, entry.objtype, pick, node, contnode)
        if target.isupper() or node.get("reftype") in ("attr", "data"):
            return contnode                            # module constants and attributes: plain code
        return None
    obj = _resolve_object(target)
    if obj is None:
        return None
    found = _documented_by_object(env).get(id(obj))
    if found is None:
        return None
    name, entry = found
    return domain.resolve_xref(env, node.get("refdoc"), app.builder, entry.objtype, name, node, contnode)


def env_updated(app, env):
    if hasattr(env, "_lrnn_api_objects"):
        del env._lrnn_api_objects


def setup(app):
    app.connect("missing-reference", missing_reference, priority=400)
    app.connect("env-updated", env_updated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

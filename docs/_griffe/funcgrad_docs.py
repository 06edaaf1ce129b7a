"""A Griffe extension for funcgrad's API reference (mkdocs.yml loads it; not part of funcgrad).

Two things the NumPy-style docstrings and annotations need that mkdocstrings does not do:

* Builtin types in annotations stay builtins. Griffe resolves a name through the parent
  packages of the module it appears in, which Python does not: ``bool`` in
  ``funcgrad/transforms/reverse.py`` would resolve to ``funcgrad.bool`` (the dtype alias of
  ``funcgrad.bool_``) and be shown as ``bool_``. Package members named like a builtin type
  (``funcgrad.bool``, ``funcgrad.int``, ``funcgrad.float``: PyTorch's dtype aliases, not
  documented as objects) are dropped from the model, so such names fall through to the
  builtins.
* Sphinx roles, which NumPy-style docstrings use (``:func:`to_dot```,
  ``:class:`~funcgrad.optim.Adam```), become code that links to the object when it is on the
  site: the target is resolved in the docstring's scope and written as an optional
  cross-reference, which renders as plain code when the object is not documented.
"""

from __future__ import annotations

import builtins
import html
import re
from typing import Any

import griffe

_BUILTIN_TYPES = frozenset(name for name, value in vars(builtins).items() if isinstance(value, type))
_ROLE = re.compile(r":(?:py:)?(?:func|meth|class|attr|mod|obj|data|exc|const):`(?P<target>[^`]+)`")


def _objects(obj: griffe.Object) -> Any:
    """``obj`` and everything defined under it (aliases are skipped: their targets are visited)."""
    stack = [obj]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(m for m in current.members.values() if not m.is_alias)


def _target_path(obj: griffe.Object, target: str) -> str | None:
    """The full path of ``target`` as written in ``obj``'s docstring, or None if unknown."""
    if target.startswith("funcgrad."):
        return target
    head, _, rest = target.partition(".")
    scope = obj if obj.is_module or obj.is_class else obj.parent
    try:
        path = scope.resolve(head)
    except (griffe.NameResolutionError, AttributeError):
        return None
    return f"{path}.{rest}" if rest else path


def _replace_roles(obj: griffe.Object) -> None:
    docstring = obj.docstring
    if docstring is None or ":`" not in docstring.value:
        return

    def link(match: re.Match[str]) -> str:
        target = match["target"].strip()
        short = target.startswith("~")
        target = target.lstrip("~")
        shown = target.rsplit(".", 1)[-1] if short else target
        code = f"<code>{html.escape(shown)}</code>"
        path = _target_path(obj, target)
        if path is None:
            return code
        return f'<autoref identifier="{html.escape(path)}" optional>{code}</autoref>'

    docstring.value = _ROLE.sub(link, docstring.value)


def _fix(pkg: griffe.Module) -> None:
    for obj in _objects(pkg):
        if obj.is_module and obj.is_package:
            for name in [n for n in obj.members if n in _BUILTIN_TYPES]:
                obj.del_member(name)
        _replace_roles(obj)


class FuncgradDocs(griffe.Extension):
    """Builtin names stay builtins; Sphinx roles become cross-references."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # Griffe 2
        _fix(pkg)

    def on_package_loaded(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # Griffe 1
        _fix(pkg)

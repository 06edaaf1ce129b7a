"""Pytrees: nested dicts, lists, tuples and namedtuples (and None) of leaves.

Transforms accept and return pytrees. A dict's children are ordered by sorted key, as in
JAX; ``None`` is an empty node (no leaves).

Examples
--------
>>> from funcgrad import tree
>>> leaves, treedef = tree.flatten({"b": [1, 2], "a": (3, None)})
>>> leaves
[3, 1, 2]
>>> tree.unflatten(treedef, [30, 10, 20])
{'a': (30, None), 'b': [10, 20]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._typing import PyTree

__all__ = ["flatten", "unflatten", "map", "leaves", "structure", "TreeDef"]

_builtin_map = map


class TreeDef:
    """The structure of a pytree, without its leaves."""

    __slots__ = ("kind", "meta", "children")

    kind: str
    meta: Any
    children: tuple[TreeDef, ...]

    def __init__(self, kind: str, meta: Any, children: tuple[TreeDef, ...]) -> None:
        self.kind = kind  # "leaf", "none", "tuple", "list", "dict", "namedtuple"
        self.meta = meta  # dict keys, or the namedtuple class
        self.children = children

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TreeDef)
            and self.kind == other.kind
            and self.meta == other.meta
            and self.children == other.children
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.meta if not isinstance(self.meta, list) else tuple(self.meta)))

    def __repr__(self) -> str:
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(repr(c) for c in self.children)
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.meta, self.children))
            return "{" + inner + "}"
        if self.kind == "list":
            return "[" + inner + "]"
        if self.kind == "namedtuple":
            return f"{self.meta.__name__}({inner})"
        return "(" + inner + ("," if len(self.children) == 1 else "") + ")"


_LEAF = LEAF = TreeDef("leaf", None, ())  # the structure of a single leaf


def _is_namedtuple(x: object) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def flatten(
    tree: PyTree, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[Any], TreeDef]:
    """The leaves of ``tree`` (left to right) and its structure.

    ``is_leaf(x)``, when given, can stop the descent at a node.
    """
    leaves_out: list[Any] = []

    def walk(node: Any) -> TreeDef:
        if is_leaf is not None and is_leaf(node):
            leaves_out.append(node)
            return _LEAF
        if node is None:
            return TreeDef("none", None, ())
        if isinstance(node, dict):
            keys = sorted(node)
            return TreeDef("dict", keys, tuple(walk(node[k]) for k in keys))
        if _is_namedtuple(node):
            return TreeDef("namedtuple", type(node), tuple(walk(c) for c in node))
        if isinstance(node, tuple):
            return TreeDef("tuple", None, tuple(walk(c) for c in node))
        if isinstance(node, list):
            return TreeDef("list", None, tuple(walk(c) for c in node))
        leaves_out.append(node)
        return _LEAF

    treedef = walk(tree)
    return leaves_out, treedef


def unflatten(treedef: TreeDef, leaves_in: Iterable[Any]) -> PyTree:
    """The pytree of structure ``treedef`` holding ``leaves_in`` (in order)."""
    it = iter(leaves_in)

    def build(td: TreeDef) -> Any:
        if td.kind == "leaf":
            return next(it)
        if td.kind == "none":
            return None
        children = [build(c) for c in td.children]
        if td.kind == "dict":
            return dict(zip(td.meta, children))
        if td.kind == "namedtuple":
            return td.meta(*children)
        if td.kind == "list":
            return children
        return tuple(children)

    result = build(treedef)
    leftover = next(it, _SENTINEL)
    if leftover is not _SENTINEL:
        raise ValueError("too many leaves for the tree structure")
    return result


_SENTINEL = object()


def leaves(tree: PyTree) -> list[Any]:
    """The leaves of ``tree``."""
    return flatten(tree)[0]


def structure(tree: PyTree) -> TreeDef:
    """The structure of ``tree``."""
    return flatten(tree)[1]


def map(fn: Callable[..., Any], tree: PyTree, *rest: PyTree) -> PyTree:
    """Apply ``fn`` to the leaves of ``tree`` (and the matching leaves of ``rest``).

    Examples
    --------
    >>> from funcgrad import tree
    >>> tree.map(lambda a, b: a + b, {"x": 1, "y": [2]}, {"x": 10, "y": [20]})
    {'x': 11, 'y': [22]}
    """
    flat, treedef = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    for r, o in zip(rest, others):
        if len(o) != len(flat):
            raise ValueError(
                f"tree.map: trees have different structures: {treedef} and {structure(r)}"
            )
    return unflatten(treedef, [fn(*xs) for xs in zip(flat, *others)])

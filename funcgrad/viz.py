"""Drawing the autograd graph (torchviz-style), as Graphviz DOT text.

:func:`to_dot` needs nothing beyond funcgrad: it returns the DOT source of the graph behind
some output Tensors. :func:`render` turns that into an image with the optional ``graphviz``
package (``pip install funcgrad[viz]``) and the Graphviz ``dot`` program.

Examples
--------
>>> import funcgrad as fg
>>> from funcgrad.viz import to_dot
>>> x = fg.ones(2, 3, requires_grad=True)
>>> w = fg.ones(2, 3, requires_grad=True)
>>> dot = to_dot((x * w).sum(), params={"x": x, "w": w})
>>> dot.startswith("digraph")
True
>>> 'MulBackward0' in dot and 'SumBackward0' in dot
True
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Mapping

from .autograd.node import AccumulateGrad

if TYPE_CHECKING:
    from .autograd.node import Node
    from .tensor import Tensor

__all__ = ["to_dot", "render"]

_GRAPH_ATTRS = 'graph [rankdir=TB size="12,12"];'
_NODE_ATTRS = (
    'node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 '
    'shape=box style=filled];'
)
_OP_STYLE = 'fillcolor="lightgrey"'
_LEAF_STYLE = 'fillcolor="lightblue"'
_OUTPUT_STYLE = 'fillcolor="darkolivegreen1"'
_SAVED_STYLE = 'shape=ellipse fillcolor="orange" fontsize=8'


def _escape(text: object) -> str:
    """Quote-safe DOT string contents; newlines become DOT's ``\\n``."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _is_array_like(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _describe(value: Any) -> str:
    """``(2, 3) funcgrad.float32`` for a Tensor or an array."""
    shape = tuple(int(d) for d in value.shape)
    dtype = str(value.dtype)
    if not dtype.startswith("funcgrad."):
        dtype = "funcgrad." + dtype
    return f"{shape} {dtype}"


def _as_tensors(tensors: tuple[Tensor | list[Tensor] | tuple[Tensor, ...], ...]) -> tuple[Tensor, ...]:
    out: list[Tensor] = []
    for t in tensors:
        if isinstance(t, (list, tuple)):
            out.extend(t)
        else:
            out.append(t)
    return tuple(out)


def to_dot(*tensors: Tensor | list[Tensor] | tuple[Tensor, ...], params: Mapping[str, Any] | None = None,
           show_saved: bool = True) -> str:
    """The autograd graph behind ``tensors`` as Graphviz DOT source.

    Each recorded operation is a grey box named as PyTorch names it (``MulBackward0``);
    leaves (``AccumulateGrad``) are light blue boxes with the leaf's shape and dtype; the
    given outputs are green boxes; with ``show_saved`` the values an operation kept for its
    backward pass are small orange ellipses joined to it by dashed lines. Edges run from
    inputs to the operations that consume them. Ids come from the traversal order, so the
    same graph always gives the same text, and the traversal is iterative (any depth).

    Parameters
    ----------
    *tensors : Tensor (or lists/tuples of Tensors)
        The outputs whose graph to draw.
    params : dict of str to Tensor, optional
        Names for Tensors: leaves and outputs found here are labelled with their name.
    show_saved : bool, default True
        Whether to draw the saved values of each operation.

    Returns
    -------
    str
        DOT source (``digraph { ... }``); feed it to ``dot -Tsvg`` or :func:`render`.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.ones(3, requires_grad=True)
    >>> dot = to_dot((x * 2).exp().sum(), params={"x": x})
    >>> 'ExpBackward0' in dot and 'AccumulateGrad' in dot
    True
    >>> '(3,) funcgrad.float32' in dot
    True
    >>> 'orange' in to_dot((x * x).sum(), show_saved=False)
    False
    """
    outputs = _as_tensors(tensors)
    names: dict[int, str] = {}
    if params:
        for name, value in params.items():
            names.setdefault(id(value), str(name))

    lines = ["digraph {", "\t" + _GRAPH_ATTRS, "\t" + _NODE_ATTRS]
    edges: list[str] = []
    node_ids: dict[int, str] = {}  # id(Node) -> "nK"; objects stay alive through `keep`
    saved_ids: dict[int, str] = {}  # id(saved value) -> "sK"
    keep: list[Any] = []

    # Iterative DFS from the outputs; Nodes are numbered as they are first popped, with
    # children pushed in reverse so inputs are numbered left to right.
    stack: list[Node] = []
    for t in reversed(outputs):
        fn = getattr(t, "grad_fn", None)
        if fn is not None:
            stack.append(fn)
    order: list[Node] = []
    while stack:
        fn = stack.pop()
        if id(fn) in node_ids:
            continue
        node_ids[id(fn)] = f"n{len(node_ids)}"
        keep.append(fn)
        order.append(fn)
        for nxt, _ in reversed(fn.next_functions):
            if nxt is not None and id(nxt) not in node_ids:
                stack.append(nxt)

    for i, t in enumerate(outputs):
        oid = f"o{i}"
        label = _describe(t)
        if id(t) in names:
            label = names[id(t)] + "\n" + label
        lines.append(f'\t{oid} [label="{_escape(label)}" {_OUTPUT_STYLE}]')
        fn = getattr(t, "grad_fn", None)
        if fn is not None:
            edges.append(f"\t{node_ids[id(fn)]} -> {oid}")

    for fn in order:
        nid = node_ids[id(fn)]
        leaf = isinstance(fn, AccumulateGrad)
        if isinstance(fn, AccumulateGrad):  # (leaf, spelled so that the type narrows)
            var = fn.variable
            label = _describe(var)
            if id(var) in names:
                label = names[id(var)] + "\n" + label
            label = "AccumulateGrad\n" + label
            lines.append(f'\t{nid} [label="{_escape(label)}" {_LEAF_STYLE}]')
        else:
            lines.append(f'\t{nid} [label="{_escape(fn.name())}" {_OP_STYLE}]')
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                edges.append(f"\t{node_ids[id(nxt)]} -> {nid}")
        if show_saved and not leaf:
            saved = getattr(fn, "_saved", None) or ()
            items = [(f"saved[{k}]", v) for k, v in enumerate(saved) if _is_array_like(v)]
            ans = getattr(fn, "_ans", None)
            if ans is not None and _is_array_like(ans):
                items.append(("result", ans))
            for tag, value in items:
                key = id(value)
                sid = saved_ids.get(key)
                if sid is None:
                    sid = f"s{len(saved_ids)}"
                    saved_ids[key] = sid
                    keep.append(value)
                    label = _describe(value)
                    if key in names:
                        label = names[key] + "\n" + label
                    label = tag + "\n" + label
                    lines.append(f'\t{sid} [label="{_escape(label)}" {_SAVED_STYLE}]')
                edges.append(f"\t{sid} -> {nid} [style=dashed dir=none]")

    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(tensor_or_tensors: Tensor | list[Tensor] | tuple[Tensor, ...], path: str | os.PathLike[str],
           format: str | None = None, params: Mapping[str, Any] | None = None) -> str:
    """Draw the graph behind ``tensor_or_tensors`` into the file ``path``.

    Uses the optional ``graphviz`` package (``pip install funcgrad[viz]``) and Graphviz's
    ``dot`` program. A ``.dot``/``.gv`` path gets the DOT text itself and needs neither.

    Parameters
    ----------
    tensor_or_tensors : Tensor or sequence of Tensors
        The outputs whose graph to draw.
    path : str or os.PathLike
        The file to write.
    format : str, optional
        Output format (``'svg'``, ``'png'``, ``'pdf'``, ...); taken from ``path``'s suffix
        when not given.
    params : dict of str to Tensor, optional
        Names for leaves and outputs, as in :func:`to_dot`.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    ImportError
        If the ``graphviz`` package is not installed (:func:`to_dot` still works).
    RuntimeError
        If the ``graphviz`` package is installed but the ``dot`` program is not.

    Examples
    --------
    >>> import os, tempfile
    >>> import funcgrad as fg
    >>> x = fg.ones(2, requires_grad=True)
    >>> out = os.path.join(tempfile.mkdtemp(), "graph.dot")
    >>> render((x * x).sum(), out) == out
    True
    >>> 'MulBackward0' in open(out).read()
    True
    """
    path = os.fspath(path)
    if format is None:
        format = os.path.splitext(path)[1].lstrip(".").lower() or None
    if format is None:
        raise ValueError(
            f"cannot tell the output format of {path!r}: give it a suffix (.svg, .png, ...) "
            "or pass format="
        )
    tensors = (
        tuple(tensor_or_tensors)
        if isinstance(tensor_or_tensors, (list, tuple))
        else (tensor_or_tensors,)
    )
    dot = to_dot(*tensors, params=params)
    if format in ("dot", "gv"):
        with open(path, "w", encoding="utf-8") as f:
            f.write(dot)
        return path
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "funcgrad.viz.render needs the 'graphviz' Python package: "
            "pip install funcgrad[viz] (and Graphviz's 'dot' program). "
            "funcgrad.viz.to_dot works without it and returns the DOT source."
        ) from None
    try:
        data = graphviz.Source(dot).pipe(format=format)
    except graphviz.ExecutableNotFound as e:
        raise RuntimeError(
            "the 'graphviz' Python package is installed but Graphviz's 'dot' program was not "
            "found on PATH; install Graphviz (e.g. apt-get install graphviz, brew install "
            "graphviz) or use funcgrad.viz.to_dot and render the DOT text elsewhere"
        ) from e
    with open(path, "wb") as f:
        f.write(data)
    return path

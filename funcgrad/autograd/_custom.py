"""What every user-defined derivative rule shares (custom_vjp, custom_jvp, Function).

A custom rule is a primitive of its own, made per decorated function or Function class and
not registered. Its single output may pack several arrays. The rule the user did not give
is obtained by transposing the one they did with reverse mode (:func:`transpose_linear`),
and a rule written for one cotangent is applied to a batch row by row
(:func:`per_batch_row`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from .. import ops
from .. import tree as _tree
from ..backend import namespace
from ..ops._primitive import Primitive, _strip_levels
from ..tensor import Tensor, _from_array
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from . import forward_ad, grad_mode
from .engine import run_backward

if TYPE_CHECKING:
    from .._typing import Array, PyTree, Shape
    from ..tree import TreeDef


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.replace("<", "").replace(">", "").split("_"))


def strip_current(tree: PyTree) -> PyTree:
    """Residuals as seen by a JVP rule at the current level (its own tangents removed)."""
    level = forward_ad.current_level()
    if level is None:
        return tree
    return _tree.map(lambda v: _strip_levels(v, level) if isinstance(v, Tensor) else v, tree)


class Packing:
    """Several output arrays carried as one (a custom primitive has a single output)."""

    __slots__ = ("treedef", "shapes", "sizes", "dtype")

    def __init__(self, leaves: Sequence[Any], treedef: TreeDef) -> None:
        self.treedef = treedef
        self.shapes: list[Shape] = [np.shape(_data(v)) for v in leaves]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.dtype = np.result_type(*[_data(v).dtype for v in leaves]) if leaves else np.float64

    @property
    def single(self) -> bool:
        return len(self.shapes) == 1

    def pack(self, leaves: Sequence[Any]) -> Array:
        if self.single:
            return _data(leaves[0])
        xp = namespace(_data(leaves[0]))
        return xp.concatenate([xp.ravel(_data(v)).astype(self.dtype) for v in leaves])

    def unpack(self, packed: Any, nb: int = 0) -> list[Any]:
        """The leaves of ``packed`` (batch + packed shape), each batch + its shape."""
        if self.single:
            return [packed]
        batch = _data(packed).shape[:nb]
        out: list[Any] = []
        start = 0
        for shape, size in zip(self.shapes, self.sizes):
            part = ops.getitem(packed, (Ellipsis, slice(start, start + size)))
            out.append(ops.reshape(part, batch + shape))
            start += size
        return out

    def unflatten(self, packed: Any, nb: int = 0) -> PyTree:
        return _tree.unflatten(self.treedef, self.unpack(packed, nb))


def transpose_linear(linear_fn: Callable[[list[Tensor]], Sequence[Any]], input_like: Sequence[Any],
                     cotangents: Sequence[Any], batch_ndim: int) -> list[Any]:
    """The transpose of a function linear in its inputs, applied to ``cotangents``.

    ``linear_fn(inputs) -> outputs`` (lists of Tensors) must be linear in ``inputs`` and
    written with funcgrad's functions; ``input_like`` gives the inputs' shapes and dtypes;
    ``cotangents`` (one per output, None for zero) may carry ``batch_ndim`` leading batch
    dimensions. One reverse pass through ``linear_fn`` gives the result.
    """
    inputs: list[Tensor] = []
    for like in input_like:
        data = _data(like)
        t = _from_array(namespace(data).zeros(data.shape, dtype=data.dtype))
        t._requires_grad = True
        inputs.append(t)
    with grad_mode.enable_grad():
        outputs = linear_fn(inputs)
    pairs = [(o, c) for o, c in zip(outputs, cotangents)
             if c is not None and isinstance(o, Tensor) and o._requires_grad]
    if not pairs:
        return [None] * len(inputs)
    outs, cts = zip(*pairs)
    targets = [t._get_accumulator() for t in inputs]
    return run_backward(outs, cts, None, True, targets, accumulate=False, batched=bool(batch_ndim))


def per_batch_row(fn: Callable[[Any], Sequence[Any]], g: Any, nb: int) -> Sequence[Any]:
    """``fn`` (written for one cotangent) over a batch of them: one call per row, stacked."""
    if nb == 0:
        return fn(g)
    gd = _data(g)
    batch = gd.shape[:nb]
    flat = ops.reshape(g, (-1,) + gd.shape[nb:])
    rows = [fn(ops.getitem(flat, (i,))) for i in range(int(np.prod(batch)))]
    result: list[Any] = []
    for k in range(len(rows[0])):
        parts = [r[k] for r in rows]
        if all(p is None for p in parts):
            result.append(None)
            continue
        template = next(p for p in parts if p is not None)
        parts = [p if p is not None else namespace(_data(template)).zeros_like(_data(template)) for p in parts]
        stacked = ops.stack(tuple(parts), 0)
        result.append(ops.reshape(stacked, batch + _data(stacked).shape[1:]))
    return result


class _Pending(threading.local):
    outputs: list[Array] | None = None  # outputs custom primitives' forwards hand back, being recorded


_pending = _Pending()


def _returns_given_output(arrays: Any, template: Array, state: Any) -> Array:
    # The output was computed by the user's function; the node keeps only ``template``
    # (its shape and dtype, no memory), not the output itself.
    outputs = _pending.outputs
    assert outputs is not None  # _record put it there just before calling the primitive
    return outputs.pop()


class _CustomRule:
    """What custom_vjp, custom_jvp and Function share: the primitive and the call."""

    @staticmethod
    def _make_primitive(name: str, vjp: Callable[..., Any], jvp: Callable[..., Any],
                        save_output: bool = False) -> Primitive:
        return Primitive(name, _returns_given_output, vjp, jvp, nin=-1, save="v",
                         save_output=save_output, register=False, saves_params=True,
                         node_names=(name,))

    @staticmethod
    def _record(prim: Primitive, inputs: Sequence[Any], out_leaves: Sequence[Any], packing: Packing,
                state: Any) -> PyTree:
        """A Tensor output (per leaf) recorded as ``prim`` applied to ``inputs``."""
        packed = packing.pack(out_leaves)
        xp = namespace(packed)
        template = xp.broadcast_to(xp.zeros((), dtype=packed.dtype), packed.shape)
        if _pending.outputs is None:
            _pending.outputs = []
        _pending.outputs.append(packed)
        result = prim(tuple(inputs), template, state)
        return packing.unflatten(result)

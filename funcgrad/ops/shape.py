"""Shape primitives: reshape, permute, transpose, squeeze, unsqueeze, stack, cat.

Their rules move a batch of cotangents or tangents through by working on the trailing
dimensions only (negative axes), so any leading batch passes untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive

if TYPE_CHECKING:
    from .._typing import Array, Axis, Shape


def _batch(g: Any, out_ndim: int) -> Shape:
    """The leading batch shape of ``g``, whose trailing ``out_ndim`` dims are the output."""
    shape = _shape(g)
    return shape[: len(shape) - out_ndim]


def shape_arg(shape: Sequence[Any]) -> Shape:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` as the same shape."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


# ---- reshape ----------------------------------------------------------------------------


def _reshape_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
                 shape: Shape) -> tuple[Any]:
    return (reshape(g, _batch(g, len(shape)) + x_shape),)


def _reshape_jvp(t: tuple[Any, ...], ans: Any, x: Any, shape: Shape) -> Any:
    return reshape(t[0], _batch(t[0], np.ndim(x)) + np.shape(ans))


reshape = defprimitive("view", lambda x, shape: np.reshape(x, shape), _reshape_vjp, _reshape_jvp,
                       save="s", view=True,
                       samples=[Sample((3, 4), params=((2, 6),)), Sample((2, 3), params=((-1,),)),
                                Sample((), params=((1, 1),))])
view = reshape


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    """Flatten dimensions ``start_dim`` to ``end_dim`` into one."""
    shape = _shape(x)
    nd = len(shape)
    if nd == 0:
        return reshape(x, (1,))
    start, end = start_dim % nd, end_dim % nd
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(x, shape[:start] + (-1,) + shape[end + 1 :])


# ---- permutations -----------------------------------------------------------------------


def _neg_axes(axes: Sequence[int], ndim: int) -> tuple[int, ...]:
    return tuple(a % ndim - ndim for a in axes) if ndim else ()


def _permute_vjp(g: Any, needs: tuple[bool, ...], ans: None, x: None,
                 axes: Sequence[int]) -> tuple[Any]:
    nd = len(axes)
    inverse: Array = np.argsort([a % nd for a in axes]) if nd else []
    nb = np.ndim(_data(g)) - nd
    return (permute(g, tuple(range(nb)) + tuple(nb + int(i) for i in inverse)),)


def _permute_jvp(t: tuple[Any, ...], ans: Any, x: Any, axes: Sequence[int]) -> Any:
    nd = len(axes)
    nb = np.ndim(_data(t[0])) - nd
    return permute(t[0], tuple(range(nb)) + tuple(nb + a % nd for a in axes))


def _permute_forward(x: Array, axes: Sequence[int]) -> Array:
    if len(axes) != np.ndim(x):
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {np.ndim(x)} is not "
            f"equal to len(dims) = {len(axes)}"
        )
    return np.transpose(x, axes)


permute = defprimitive("permute", _permute_forward, _permute_vjp, _permute_jvp, save="-",
                       view=True, samples=[Sample((2, 3, 4), params=((2, 0, 1),))])


def _swapaxes_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape, a: int,
                  b: int) -> tuple[Any]:
    nd = len(x_shape)
    return (swapaxes(g, a % nd - nd, b % nd - nd) if nd else g,)


def _swapaxes_jvp(t: tuple[Any, ...], ans: Any, x: Any, a: int, b: int) -> Any:
    nd = np.ndim(x)
    return swapaxes(t[0], a % nd - nd, b % nd - nd) if nd else t[0]


swapaxes = defprimitive("transpose", lambda x, a, b: np.swapaxes(x, a, b), _swapaxes_vjp,
                        _swapaxes_jvp, save="s", view=True,
                        samples=[Sample((2, 3, 4), params=(0, 2)), Sample((3, 4), params=(-1, -2))])
transpose = swapaxes


def _t_forward(x: Array) -> Array:
    return x.T if np.ndim(x) == 2 else x


def _t_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape) -> tuple[Any]:
    return (swapaxes(g, -1, -2) if len(x_shape) == 2 else g,)


def _t_jvp(t: tuple[Any, ...], ans: Any, x: Any) -> Any:
    return swapaxes(t[0], -1, -2) if np.ndim(x) == 2 else t[0]


t = defprimitive("t", _t_forward, _t_vjp, _t_jvp, save="s", view=True,
                 samples=[Sample((3, 4)), Sample((3,))])


# ---- squeeze / unsqueeze ----------------------------------------------------------------


def _squeeze_forward(x: Array, dim: Axis) -> Array:
    if dim is None:
        return np.squeeze(x)
    shape = np.shape(x)
    dims = dim if isinstance(dim, tuple) else (dim,)
    # torch ignores dims whose size is not 1 (NumPy raises).
    keep = tuple(d % len(shape) for d in dims if len(shape) and shape[d] == 1)
    return np.squeeze(x, keep) if keep else x.view() if hasattr(x, "view") else x


def _squeeze_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
                 dim: Axis) -> tuple[Any]:
    out_ndim = len(_squeeze_forward(np.empty(x_shape), dim).shape)
    return (reshape(g, _batch(g, out_ndim) + x_shape),)


def _squeeze_jvp(t: tuple[Any, ...], ans: Any, x: Any, dim: Axis) -> Any:
    return reshape(t[0], _batch(t[0], np.ndim(x)) + np.shape(ans))


squeeze = defprimitive("squeeze", _squeeze_forward, _squeeze_vjp, _squeeze_jvp, save="s",
                       view=True, node_names=("SqueezeBackward0", "SqueezeBackward1"),
                       pick_node=lambda args: 0 if args[1] is None else 1,
                       samples=[Sample((3, 1, 4), params=(None,)), Sample((3, 1, 4), params=(1,))])


def _unsqueeze_forward(x: Array, dim: int) -> Array:
    nd = np.ndim(x) + 1
    if not -nd <= dim < nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})"
        )
    return np.expand_dims(x, dim % nd)


def _unsqueeze_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
                   dim: int) -> tuple[Any]:
    return (reshape(g, _batch(g, len(x_shape) + 1) + x_shape),)


def _unsqueeze_jvp(t: tuple[Any, ...], ans: Any, x: Any, dim: int) -> Any:
    nd = np.ndim(x) + 1
    return unsqueeze(t[0], dim % nd - nd)


unsqueeze = defprimitive("unsqueeze", _unsqueeze_forward, _unsqueeze_vjp, _unsqueeze_jvp,
                         save="s", view=True,
                         samples=[Sample((3, 4), params=(1,)), Sample((3,), params=(-1,))])


# ---- joining ----------------------------------------------------------------------------


def _stack_forward(arrays: Sequence[Array], axis: int) -> Array:
    if not len(arrays):
        raise RuntimeError("stack expects a non-empty TensorList")
    shapes = {np.shape(a) for a in arrays}
    if len(shapes) > 1:
        first, *rest = [np.shape(a) for a in arrays]
        bad = next(i for i, s in enumerate(rest, 1) if s != first)
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
            f"and {list(np.shape(arrays[bad]))} at entry {bad}"
        )
    return np.stack(arrays, axis)


def _stack_vjp(g: Any, needs: tuple[bool, ...], ans: None, shapes: Sequence[Shape],
               axis: int) -> tuple[Any, ...]:
    out_ndim = len(shapes[0]) + 1
    ax = axis % out_ndim - out_ndim
    trailing = (slice(None),) * (-ax - 1)
    return tuple(getitem(g, (Ellipsis, i) + trailing) if need else None for i, need in enumerate(needs))


def _fill_tangents(tangents: Sequence[Any], arrays: Sequence[Any]) -> list[Any]:
    """Replace missing (zero) tangents by zeros with the batch shape of a present one."""
    k, present = next((i, tn) for i, tn in enumerate(tangents) if tn is not None)
    data = _data(present)
    batch = data.shape[: data.ndim - np.ndim(_data(arrays[k]))]
    xp = namespace(data)
    return [
        tn if tn is not None else xp.zeros(batch + np.shape(_data(a)), dtype=data.dtype)
        for tn, a in zip(tangents, arrays)
    ]


def _stack_jvp(t: tuple[Any, ...], ans: Any, arrays: Sequence[Any], axis: int) -> Any:
    if all(tn is None for tn in t):
        return None
    out_ndim = np.ndim(_data(arrays[0])) + 1
    return stack(_fill_tangents(t, arrays), axis % out_ndim - out_ndim)


stack = defprimitive("stack", _stack_forward, _stack_vjp, _stack_jvp, nin=-1, save="s",
                     samples=[Sample((3, 4), (3, 4), params=(0,)), Sample((2,), (2,), (2,), params=(1,))])


def _cat_forward(arrays: Sequence[Array], axis: int) -> Array:
    if not len(arrays):
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    return np.concatenate(arrays, axis)


def _cat_vjp(g: Any, needs: tuple[bool, ...], ans: None, shapes: Sequence[Shape],
             axis: int) -> tuple[Any, ...]:
    nd = len(shapes[0])
    ax = axis % nd - nd
    trailing = (slice(None),) * (-ax - 1)
    grads, start = [], 0
    for shape, need in zip(shapes, needs):
        stop = start + shape[ax]
        grads.append(getitem(g, (Ellipsis, slice(start, stop)) + trailing) if need else None)
        start = stop
    return tuple(grads)


def _cat_jvp(t: tuple[Any, ...], ans: Any, arrays: Sequence[Any], axis: int) -> Any:
    if all(tn is None for tn in t):
        return None
    nd = np.ndim(_data(arrays[0]))
    return cat(_fill_tangents(t, arrays), axis % nd - nd)


cat = defprimitive("cat", _cat_forward, _cat_vjp, _cat_jvp, nin=-1, save="s",
                   samples=[Sample((3, 4), (2, 4), params=(0,)), Sample((2, 1), (2, 3), params=(-1,))])

from .index import getitem  # noqa: E402  (index's rules use reshape; this breaks the cycle)

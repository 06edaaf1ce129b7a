"""Arithmetic, basic math, comparisons and the core reductions and reshapes: NumPy's
signatures (axis, keepdims, ...) over the primitives' own calling conventions."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any, Literal, Optional

import numpy as np
from typing_extensions import TypeAlias

from .. import ops
from .._typing import Array, ArrayLike, Axis, DTypeLike, Shape
from ..tensor import Tensor
from ..backend import namespace
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape

__all__ = [
    "abs", "absolute", "add", "amax", "amin", "broadcast_to", "ceil", "clip", "concatenate",
    "copy", "cos", "divide", "equal", "exp", "expand_dims", "floor", "greater",
    "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log",
    "logical_and", "logical_not", "logical_or", "logical_xor", "matmul", "max", "maximum",
    "mean", "min", "minimum", "multiply", "negative", "not_equal", "power", "prod",
    "reshape", "round", "sign", "sin", "sqrt", "squeeze", "stack", "subtract", "sum",
    "swapaxes", "tan", "tanh", "transpose", "true_divide", "trunc", "where",
    # creation
    "arange", "array", "asarray", "empty", "empty_like", "eye", "full", "full_like",
    "geomspace", "identity", "linspace", "logspace", "ones", "ones_like", "zeros",
    "zeros_like", "shape", "ndim", "size", "result_type", "isscalar",
]

# Creation functions make constants: NumPy's own (CuPy users pass CuPy arrays in).
from numpy import (  # noqa: E402,F401
    arange, empty, eye, full, geomspace, identity, linspace, logspace, ones, result_type,
    zeros, isscalar,
)

from ..ops import (  # noqa: E402  (NumPy's names for primitives with NumPy's signature)
    abs, add, ceil, clone as copy, cos, equal, exp, floor, greater, greater_equal, isfinite,
    isinf, isnan, less, less_equal, log, logical_and, logical_not, logical_or, logical_xor,
    matmul, maximum, minimum, not_equal, sign, sin, sqrt, tan, tanh, trunc,
)
from ._arrays import has_tensor as _has_tensor, no_out as _no_out  # noqa: E402
from ._indexing import where  # noqa: E402  (with one argument: the indices, as NumPy)

absolute = ops.abs
multiply = ops.mul
subtract = ops.sub
divide = true_divide = ops.div
negative = ops.neg
power = ops.pow
swapaxes = ops.swapaxes

# NumPy's memory-order and casting arguments, as its stubs spell them.
_Order: TypeAlias = Optional[Literal["K", "A", "C", "F"]]
_Casting: TypeAlias = Literal["no", "equiv", "safe", "same_kind", "unsafe"]


def _axis(axis: Axis | list[int]) -> Axis:
    return tuple(axis) if isinstance(axis, list) else axis


def sum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        keepdims: bool = False) -> Any:
    """Sum of elements over ``axis`` (NumPy's ``sum``)."""
    _no_out(out, "sum")
    if dtype is not None:
        a = ops.astype(a, dtype)
    return ops.sum(a, _axis(axis), keepdims)


def mean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis`` (NumPy's ``mean``)."""
    _no_out(out, "mean")
    if dtype is not None:
        a = ops.astype(a, dtype)
    return ops.mean(a, _axis(axis), keepdims)


def prod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False) -> Any:
    """Product of elements over ``axis`` (NumPy's ``prod``)."""
    _no_out(out, "prod")
    if dtype is not None:
        a = ops.astype(a, dtype)
    return ops.prod(a, _axis(axis), keepdims)


def amax(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Any:
    """Maximum over ``axis``; the gradient is shared among tied maxima."""
    _no_out(out, "amax")
    return ops.amax(a, _axis(axis), keepdims)


def amin(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Any:
    """Minimum over ``axis``; the gradient is shared among tied minima."""
    _no_out(out, "amin")
    return ops.amin(a, _axis(axis), keepdims)


max = amax
min = amin


def clip(a: ArrayLike, a_min: ArrayLike = None, a_max: ArrayLike = None, out: None = None, *,
         min: ArrayLike = None, max: ArrayLike = None) -> Any:
    """``a`` limited to ``[a_min, a_max]``."""
    _no_out(out, "clip")
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    return ops.clamp(a, lo, hi)


def reshape(a: ArrayLike, shape: int | Sequence[int], order: Literal["C", "F", "A"] = "C", *,
            newshape: int | Sequence[int] | None = None) -> Any:
    """``a`` with a new shape (C order only)."""
    if order != "C":
        raise NotImplementedError("funcgrad.numpy.reshape supports order='C' only")
    shape = newshape if newshape is not None else shape
    return ops.reshape(a, (shape,) if isinstance(shape, int) else tuple(shape))


def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Any:
    """``a`` with its axes permuted (reversed by default)."""
    ndim = len(_shape(a))
    return ops.permute(a, tuple(builtins.range(ndim - 1, -1, -1)) if axes is None else tuple(axes))


def squeeze(a: ArrayLike, axis: Axis = None) -> Any:
    """``a`` without its unit dimensions (those in ``axis``, if given)."""
    return ops.squeeze(a, _axis(axis))


def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Any:
    """``a`` with a new unit dimension at ``axis``."""
    if isinstance(axis, (tuple, list)):
        for ax in sorted(a_ % (len(_shape(a)) + len(axis)) for a_ in axis):
            a = ops.unsqueeze(a, ax)
        return a
    return ops.unsqueeze(a, axis)


def broadcast_to(array: ArrayLike, shape: int | Sequence[int], subok: bool = False) -> Any:
    """``array`` broadcast to ``shape`` (a read-only view)."""
    return ops.expand(array, (shape,) if isinstance(shape, int) else tuple(shape))


def stack(arrays: Sequence[ArrayLike], axis: int = 0, out: None = None, **kwargs: Any) -> Any:
    """Join arrays along a new axis."""
    _no_out(out, "stack")
    return ops.stack(tuple(arrays), axis)


def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0, out: None = None, *,
                dtype: DTypeLike = None, casting: _Casting = "same_kind") -> Any:
    """Join arrays along an existing axis (``axis=None`` flattens them first)."""
    from ._shape import concat  # the joining family has NumPy's full rules (dtype, casting)

    return concat(arrays, axis, out, dtype=dtype, casting=casting)


def round(a: ArrayLike, decimals: int = 0, out: None = None) -> Any:
    """Round to the nearest integer (zero gradient)."""
    _no_out(out, "round")
    if decimals:
        scale = 10.0 ** decimals
        return ops.div(ops.round(ops.mul(a, scale)), scale)
    return ops.round(a)


def array(object: ArrayLike, dtype: DTypeLike = None, *, copy: bool | None = True,
          order: _Order = "K", subok: bool = False, ndmin: int = 0,
          like: ArrayLike = None) -> Any:
    """An array from ``object``; nested lists holding Tensors are stacked differentiably.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor(2.0, requires_grad=True)
    >>> fnp.array([x, x * x])
    tensor([2., 4.], grad_fn=<StackBackward0>)
    """
    if not _has_tensor(object):
        xp = namespace(object)
        if xp is not np:  # a device array stays on its device (NumPy could not read it)
            out = xp.asarray(object, dtype=dtype) if copy is None else xp.array(
                object, dtype=dtype, copy=copy)
            return out.reshape((1,) * (ndmin - out.ndim) + out.shape) if ndmin > out.ndim else out
        return np.array(object, dtype=dtype, copy=copy, order=order, subok=subok, ndmin=ndmin)
    if isinstance(object, Tensor):
        out = ops.clone(object) if copy else object
    else:
        out = ops.stack(tuple(array(o, copy=False) if isinstance(o, (list, tuple)) else o for o in object), 0)
    if dtype is not None and np.dtype(dtype) != out._data.dtype:
        out = ops.astype(out, dtype)
    for _ in range(ndmin - out._data.ndim):
        out = ops.unsqueeze(out, 0)
    return out


def asarray(a: ArrayLike, dtype: DTypeLike = None, order: _Order = None, *,
            like: ArrayLike = None, copy: bool | None = None) -> Any:
    """``a`` as an array: Tensors (and lists of them) stay on the tape, without a copy."""
    if not _has_tensor(a):
        xp = namespace(a)
        return np.asarray(a, dtype=dtype, order=order) if xp is np else xp.asarray(a, dtype=dtype)
    return array(a, dtype=dtype, copy=False)


def _like_shape_dtype(a: ArrayLike, dtype: DTypeLike) -> tuple[Shape, DTypeLike, Any]:
    """Shape, dtype and array module (NumPy, or CuPy for device data: the result goes
    where ``a`` is, as NumPy's own ``zeros_like`` of a CuPy array does) of ``a``."""
    data = a._data if isinstance(a, Tensor) else a
    xp = namespace(data)
    if xp is np:
        data = np.asarray(data)
    return data.shape, (data.dtype if dtype is None else dtype), xp


def zeros_like(a: ArrayLike, dtype: DTypeLike = None, order: _Order = "K", subok: bool = True,
               shape: int | Sequence[int] | None = None) -> Array:
    """Zeros with the shape and dtype of ``a`` (a constant)."""
    s, d, xp = _like_shape_dtype(a, dtype)
    return xp.zeros(s if shape is None else shape, d)


def ones_like(a: ArrayLike, dtype: DTypeLike = None, order: _Order = "K", subok: bool = True,
              shape: int | Sequence[int] | None = None) -> Array:
    """Ones with the shape and dtype of ``a`` (a constant)."""
    s, d, xp = _like_shape_dtype(a, dtype)
    return xp.ones(s if shape is None else shape, d)


def empty_like(a: ArrayLike, dtype: DTypeLike = None, order: _Order = "K", subok: bool = True,
               shape: int | Sequence[int] | None = None) -> Array:
    """An array with the shape and dtype of ``a`` (zero-filled here; a constant)."""
    return zeros_like(a, dtype, order, subok, shape)


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None, order: _Order = "K",
              subok: bool = True, shape: int | Sequence[int] | None = None) -> Array:
    """``fill_value`` with the shape and dtype of ``a`` (a constant)."""
    s, d, xp = _like_shape_dtype(a, dtype)
    return xp.full(s if shape is None else shape, _data(fill_value), d)


def shape(a: ArrayLike) -> Shape:
    """The shape of ``a``."""
    return tuple(_shape(a))


def ndim(a: ArrayLike) -> int:
    """The number of dimensions of ``a``."""
    return len(_shape(a))


def size(a: ArrayLike, axis: int | None = None) -> int:
    """The number of elements of ``a`` (along ``axis``)."""
    s = _shape(a)
    return int(np.prod(s)) if axis is None else s[axis]


NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.negative: ops.neg, np.power: ops.pow, np.exp: ops.exp, np.log: ops.log,
    np.sin: ops.sin, np.cos: ops.cos, np.tan: ops.tan, np.tanh: ops.tanh, np.sqrt: ops.sqrt,
    np.absolute: ops.abs, np.sign: ops.sign, np.floor: ops.floor, np.ceil: ops.ceil,
    np.rint: ops.round, np.trunc: ops.trunc, np.maximum: ops.maximum, np.minimum: ops.minimum,
    np.matmul: ops.matmul, np.remainder: ops.remainder, np.floor_divide: ops.floor_divide,
    np.equal: ops.equal, np.not_equal: ops.not_equal, np.less: ops.less,
    np.less_equal: ops.less_equal, np.greater: ops.greater, np.greater_equal: ops.greater_equal,
    np.logical_and: ops.logical_and, np.logical_or: ops.logical_or,
    np.logical_xor: ops.logical_xor, np.logical_not: ops.logical_not, np.isnan: ops.isnan,
    np.isfinite: ops.isfinite, np.isinf: ops.isinf,
}

NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.sum: sum, np.mean: mean, np.prod: prod, np.amax: amax,
    np.max: amax, np.amin: amin, np.min: amin, np.clip: clip,
    np.reshape: reshape, np.transpose: transpose, np.squeeze: squeeze,
    np.expand_dims: expand_dims, np.broadcast_to: broadcast_to,
    np.stack: stack, np.concatenate: concatenate, np.where: where,
    np.swapaxes: ops.swapaxes, np.round: round,
    np.shape: shape, np.ndim: ndim, np.size: size, np.array: array, np.asarray: asarray,
    np.zeros_like: zeros_like, np.ones_like: ones_like, np.empty_like: empty_like,
    np.full_like: full_like,
}

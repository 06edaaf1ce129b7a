"""Shape manipulation and joining: ravel, moveaxis, hstack, vstack, split, tile, repeat, pad,
flip, roll, rot90, diag, diagonal, triu, tril, atleast_nd, meshgrid, ...

Given only raw arrays each function calls NumPy's own, so it returns exactly what NumPy
returns. Given a Tensor anywhere among its array arguments it is built from funcgrad's
primitives and records: composites of reshape, permute, expand, getitem, cat and where,
and the primitives of :mod:`funcgrad.ops.joining` (flip, roll, pad, repeat, diagonal).
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple
from typing_extensions import TypeAlias

from .. import ops
from .._typing import ArrayLike, Axis, DTypeLike
from ..ops import joining
from ..backend import namespace
from ._arrays import array_of, dtype_of as _dtype, has_tensor as _has_tensor, host, no_out as _no_out, operand
from ..tensor import Tensor, _from_array
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from ._api import _Casting
from ._api import asarray as _asarray
from ._api import transpose as _transpose

__all__ = [
    "append", "array_split", "atleast_1d", "atleast_2d", "atleast_3d", "block",
    "broadcast_arrays", "column_stack", "concat", "delete", "diag", "diagflat", "diagonal",
    "dsplit", "dstack", "flip", "fliplr", "flipud", "hsplit", "hstack", "insert",
    "matrix_transpose", "meshgrid", "moveaxis", "pad", "permute_dims", "ravel", "repeat",
    "resize", "roll", "rollaxis", "rot90", "row_stack", "split", "tile", "tril", "triu",
    "unstack", "vsplit", "vstack",
]


# ---- helpers ----------------------------------------------------------------------------


def _arr(a: ArrayLike) -> Any:
    """A Tensor as is, nested lists holding Tensors stacked on the tape, else a NumPy array."""
    if isinstance(a, Tensor):
        return a
    return _asarray(a) if _has_tensor(a) else operand(a)




def _sequence(tup: ArrayLike, name: str) -> list[Any]:
    """The arrays of a joining function's ``tup`` argument, as NumPy accepts it."""
    if not isinstance(tup, (list, tuple, Tensor, np.ndarray)):
        raise TypeError(
            f"funcgrad.numpy.{name}: arrays to stack must be passed as a sequence type such "
            f"as list or tuple"
        )
    return [_arr(a) for a in tup]


def _join(arrays: list[Any], axis: int, dtype: DTypeLike, casting: _Casting, name: str) -> Any:
    """``arrays`` concatenated along ``axis``, with NumPy's ``dtype``/``casting`` rules."""
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    target = np.dtype(dtype) if dtype is not None else np.result_type(*[_dtype(a) for a in arrays])
    for a in arrays:
        if not np.can_cast(_dtype(a), target, casting):
            raise TypeError(
                f"funcgrad.numpy.{name}: cannot cast array data from {_dtype(a)!r} to "
                f"{target!r} according to the rule {casting!r}"
            )
    if dtype is not None:
        arrays = [a if _dtype(a) == target else ops.astype(a, target) for a in arrays]
    return ops.cat(tuple(arrays), axis)


def _slice_along(a: Any, axis: int, index: int | slice) -> Any:
    """``a[..., index, ...]`` with ``index`` (an int or slice) at dimension ``axis``."""
    return ops.getitem(a, (slice(None),) * axis + (index,))


# ---- reshaping --------------------------------------------------------------------------


def ravel(a: ArrayLike, order: Literal["C", "F", "A", "K"] = "C") -> Any:
    """The flattened array.

    Orders 'C', 'F' and 'A' are covered; 'K' (memory order) when the data is C or Fortran
    contiguous.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.ravel([[1, 2], [3, 4]], order="F")
    array([1, 3, 2, 4])
    """
    if not _has_tensor(a):
        return np.ravel(a, order)
    data = a._data
    if order == "A":
        order = "F" if data.flags.f_contiguous and not data.flags.c_contiguous else "C"
    elif order == "K":
        if data.flags.c_contiguous:
            order = "C"
        elif data.flags.f_contiguous:
            order = "F"
        else:
            raise NotImplementedError(
                "funcgrad.numpy.ravel: order='K' of a non-contiguous Tensor is not covered; "
                "pass order='C' or 'F'"
            )
    if order == "F":
        a = _transpose(a)
    elif order != "C":
        raise ValueError(f"funcgrad.numpy.ravel: order must be one of 'C', 'F', 'A' or 'K' (got {order!r})")
    return ops.reshape(a, (-1,))


def moveaxis(a: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Any:
    """``a`` with the axes ``source`` moved to the positions ``destination``.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.moveaxis(np.zeros((3, 4, 5)), 0, -1).shape
    (4, 5, 3)
    """
    if not _has_tensor(a):
        return np.moveaxis(a, source, destination)
    ndim = len(_shape(a))
    source = normalize_axis_tuple(source, ndim, "source")
    destination = normalize_axis_tuple(destination, ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in builtins.range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return ops.permute(a, tuple(order))


def rollaxis(a: ArrayLike, axis: int, start: int = 0) -> Any:
    """``a`` with ``axis`` moved to lie before position ``start`` (prefer ``moveaxis``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.rollaxis(np.zeros((3, 4, 5)), 2).shape
    (5, 3, 4)
    """
    if not _has_tensor(a):
        return np.rollaxis(a, axis, start)
    n = len(_shape(a))
    axis = normalize_axis_index(axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise np.exceptions.AxisError(f"'start' arg requires {-n} <= start < {n + 1}, but {start} was passed in")
    if axis < start:
        start -= 1
    order = [i for i in builtins.range(n) if i != axis]
    order.insert(start, axis)
    return ops.permute(a, tuple(order))


def permute_dims(a: ArrayLike, axes: Sequence[int] | None = None) -> Any:
    """``a`` with its axes permuted (the array API's name for ``transpose``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.permute_dims(np.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    if not _has_tensor(a):
        return np.permute_dims(a, axes)
    return _transpose(a, axes)


def matrix_transpose(x: ArrayLike, /) -> Any:
    """``x`` with its last two axes swapped.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.matrix_transpose(np.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    if not _has_tensor(x):
        return np.matrix_transpose(x)
    if len(_shape(x)) < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {len(_shape(x))}")
    return ops.swapaxes(x, -1, -2)


def _atleast(a: ArrayLike, ndim: int) -> Any:
    if not _has_tensor(a):
        return (np.atleast_1d, np.atleast_2d, np.atleast_3d)[ndim - 1](a)
    a = _arr(a)
    shape = _shape(a)
    if len(shape) >= ndim:
        return a
    if ndim == 3 and len(shape) == 2:
        return ops.reshape(a, shape + (1,))
    if ndim == 3:
        return ops.reshape(a, (1,) + (shape or (1,)) + (1,))
    return ops.reshape(a, (1,) * (ndim - len(shape)) + shape)


def _atleast_all(arys: tuple[ArrayLike, ...], ndim: int) -> Any:
    out = tuple(_atleast(a, ndim) for a in arys)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys: ArrayLike) -> Any:
    """Each input with at least one dimension (one array, or a tuple for several).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.atleast_1d(fg.tensor(2.0))
    tensor([2.])
    """
    return _atleast_all(arys, 1)


def atleast_2d(*arys: ArrayLike) -> Any:
    """Each input with at least two dimensions: a vector ``(N,)`` becomes ``(1, N)``.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.atleast_2d([1.0, 2.0]).shape
    (1, 2)
    """
    return _atleast_all(arys, 2)


def atleast_3d(*arys: ArrayLike) -> Any:
    """Each input with at least three dimensions: ``(N,)`` becomes ``(1, N, 1)`` and
    ``(M, N)`` becomes ``(M, N, 1)``.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.atleast_3d([[1.0, 2.0]]).shape
    (1, 2, 1)
    """
    return _atleast_all(arys, 3)


def broadcast_arrays(*args: ArrayLike, subok: bool = False) -> tuple[Any, ...]:
    """The inputs broadcast against each other (a tuple of read-only views).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> [x.shape for x in fnp.broadcast_arrays([[1.0], [2.0]], [3.0, 4.0, 5.0])]
    [(2, 3), (2, 3)]
    """
    if not _has_tensor(*args):
        return np.broadcast_arrays(*args, subok=subok)
    arrays = [_arr(a) for a in args]
    shape = np.broadcast_shapes(*[_shape(a) for a in arrays])
    return tuple(a if _shape(a) == shape else ops.expand(a, shape) for a in arrays)


def resize(a: ArrayLike, new_shape: int | Sequence[int]) -> Any:
    """An array of ``new_shape`` filled with ``a``'s entries, repeated cyclically.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.resize([1.0, 2.0, 3.0], (2, 4))
    array([[1., 2., 3., 1.],
           [2., 3., 1., 2.]])
    """
    if not _has_tensor(a):
        return np.resize(a, new_shape)
    new_shape = (new_shape,) if isinstance(new_shape, (int, np.integer)) else tuple(new_shape)
    if any(s < 0 for s in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    size = int(np.prod(new_shape))
    flat = ravel(a)
    n = _shape(flat)[0]
    if n == 0 or size == 0:
        return _from_array(np.zeros(new_shape, dtype=_dtype(a)))  # depends on no entry of a
    copies = -(-size // n)
    return ops.reshape(_slice_along(tile(flat, copies), 0, slice(0, size)), new_shape)


# ---- joining ----------------------------------------------------------------------------


def concat(arrays: Sequence[ArrayLike], /, axis: int | None = 0, out: None = None, *,
           dtype: DTypeLike = None, casting: _Casting = "same_kind") -> Any:
    """Join arrays along an existing axis (``axis=None``: flattened first).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.concat([[1, 2], [3]], dtype=float)
    array([1., 2., 3.])
    """
    _no_out(out, "concat")
    if not _has_tensor(arrays):
        return np.concat(arrays, axis=axis, dtype=dtype, casting=casting)
    arrays = _sequence(arrays, "concat")
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    return _join(arrays, axis, dtype, casting, "concat")


def hstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None,
           casting: _Casting = "same_kind") -> Any:
    """Join arrays column-wise: along axis 1, or axis 0 for 1-D arrays.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.hstack([fg.tensor([1.0]), fg.tensor([2.0, 3.0])])
    tensor([1., 2., 3.])
    """
    if not _has_tensor(tup):
        return np.hstack(tup, dtype=dtype, casting=casting)
    arrays = [_atleast(a, 1) for a in _sequence(tup, "hstack")]
    axis = 0 if arrays and len(_shape(arrays[0])) == 1 else 1
    return _join(arrays, axis, dtype, casting, "hstack")


def vstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None,
           casting: _Casting = "same_kind") -> Any:
    """Join arrays row-wise (along axis 0; 1-D arrays become rows).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.vstack([[1, 2], [3, 4]])
    array([[1, 2],
           [3, 4]])
    """
    if not _has_tensor(tup):
        return np.vstack(tup, dtype=dtype, casting=casting)
    return _join([_atleast(a, 2) for a in _sequence(tup, "vstack")], 0, dtype, casting, "vstack")


def row_stack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None,
              casting: _Casting = "same_kind") -> Any:
    """``vstack`` under its deprecated name (NumPy warns, and so does this).

    Examples
    --------
    >>> import warnings, funcgrad.numpy as fnp
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fnp.row_stack([[1], [2]]).shape
    (2, 1)
    """
    warnings.warn("`row_stack` alias is deprecated. Use `np.vstack` directly.", DeprecationWarning,
                  stacklevel=2)
    return vstack(tup, dtype=dtype, casting=casting)


def dstack(tup: Sequence[ArrayLike]) -> Any:
    """Join arrays depth-wise (along axis 2, after making them at least 3-D).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.dstack([[1, 2], [3, 4]]).shape
    (1, 2, 2)
    """
    if not _has_tensor(tup):
        return np.dstack(tup)
    return _join([_atleast(a, 3) for a in _sequence(tup, "dstack")], 2, None, "same_kind", "dstack")


def column_stack(tup: Sequence[ArrayLike]) -> Any:
    """Join 1-D arrays as columns (and 2-D arrays as they are) into a 2-D array.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.column_stack([[1, 2], [3, 4]])
    array([[1, 3],
           [2, 4]])
    """
    if not _has_tensor(tup):
        return np.column_stack(tup)
    arrays = []
    for a in _sequence(tup, "column_stack"):
        shape = _shape(a)
        arrays.append(ops.reshape(a, (-1, 1) if shape else (1, 1)) if len(shape) < 2 else a)
    return _join(arrays, 1, None, "same_kind", "column_stack")


def append(arr: ArrayLike, values: ArrayLike, axis: int | None = None) -> Any:
    """``arr`` with ``values`` appended (both flattened when ``axis`` is None).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.append([[1, 2]], [[3, 4]], axis=0)
    array([[1, 2],
           [3, 4]])
    """
    if not _has_tensor(arr, values):
        return np.append(arr, values, axis)
    arr, values = _arr(arr), _arr(values)
    if axis is None:
        arr, values, axis = ravel(arr), ravel(values), 0
    return ops.cat((arr, values), axis)


def _block_depth(arrays: Any, index: str) -> tuple[int, list[int]]:
    """The nesting depth of ``np.block``'s lists, checked to be the same everywhere."""
    if isinstance(arrays, tuple):
        raise TypeError(
            f"{index} is a tuple. Only lists can be used to arrange blocks, and np.block does "
            f"not allow implicit conversion from tuple to ndarray."
        )
    if not isinstance(arrays, list):
        return 0, [len(_shape(arrays))]
    if not arrays:
        raise ValueError(f"List at {index} cannot be empty")
    depths: set[int] = set()
    ndims: list[int] = []
    for i, item in enumerate(arrays):
        d, n = _block_depth(item, f"{index}[{i}]")
        depths.add(d)
        ndims += n
    if len(depths) > 1:
        raise ValueError(f"List depths are mismatched within {index}")
    return depths.pop() + 1, ndims


def _block_join(arrays: Any, depth: int, list_ndim: int, result_ndim: int) -> Any:
    if not isinstance(arrays, list):
        a = _arr(arrays)
        shape = _shape(a)
        return ops.reshape(a, (1,) * (result_ndim - len(shape)) + shape)
    parts = tuple(_block_join(item, depth + 1, list_ndim, result_ndim) for item in arrays)
    return ops.cat(parts, -(list_ndim - depth))


def block(arrays: ArrayLike) -> Any:
    """Assemble an array from nested lists of blocks (the innermost join along the last axis).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.block([[np.eye(2), np.zeros((2, 1))], [np.ones((1, 3))]])
    array([[1., 0., 0.],
           [0., 1., 0.],
           [1., 1., 1.]])
    """
    if not _has_tensor(arrays):
        return np.block(arrays)
    list_ndim, ndims = _block_depth(arrays, "arrays")
    if list_ndim == 0:
        return ops.clone(arrays)
    return _block_join(arrays, 0, list_ndim, builtins.max([list_ndim] + ndims))


# ---- splitting --------------------------------------------------------------------------


def _split_points(length: int, indices_or_sections: int | Sequence[int],
                  exact: bool) -> list[int]:
    given: Any = indices_or_sections  # a count or cut points: told apart by iterating
    try:
        points = [int(i) for i in given]
    except TypeError:
        sections = int(given)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        if exact and length % sections:
            raise ValueError("array split does not result in an equal division") from None
        each, extras = divmod(length, sections)
        sizes = [each + 1] * extras + [each] * (sections - extras)
        cuts: list[int] = np.cumsum(sizes).tolist()
        return [0] + cuts
    return [0] + points + [length]


def _split(ary: ArrayLike, indices_or_sections: int | Sequence[int], axis: int,
           exact: bool) -> list[Any]:
    ary = _arr(ary)
    shape = _shape(ary)
    axis = normalize_axis_index(axis, len(shape))
    points = _split_points(shape[axis], indices_or_sections, exact)
    return [_slice_along(ary, axis, slice(start, stop)) for start, stop in zip(points[:-1], points[1:])]


def split(ary: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Any]:
    """A list of sub-arrays: ``indices_or_sections`` equal parts, or cuts at those indices.

    Each part is a differentiable view of ``ary``.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.split(fg.tensor([1.0, 2.0, 3.0, 4.0]), 2)
    [tensor([1., 2.]), tensor([3., 4.])]
    """
    if not _has_tensor(ary):
        return np.split(ary, indices_or_sections, axis)
    return _split(ary, indices_or_sections, axis, True)


def array_split(ary: ArrayLike, indices_or_sections: int | Sequence[int],
                axis: int = 0) -> list[Any]:
    """``split`` that allows parts of unequal size (the first ones one longer).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> [p.tolist() for p in fnp.array_split([1, 2, 3, 4, 5], 3)]
    [[1, 2], [3, 4], [5]]
    """
    if not _has_tensor(ary):
        return np.array_split(ary, indices_or_sections, axis)
    return _split(ary, indices_or_sections, axis, False)


def hsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Any]:
    """``split`` along axis 1 (axis 0 for 1-D arrays).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> [p.shape for p in fnp.hsplit(np.zeros((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    if not _has_tensor(ary):
        return np.hsplit(ary, indices_or_sections)
    ndim = len(_shape(ary))
    if ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return _split(ary, indices_or_sections, 1 if ndim > 1 else 0, True)


def vsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Any]:
    """``split`` along axis 0 (of an array of at least 2 dimensions).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> [p.shape for p in fnp.vsplit(np.zeros((4, 2)), [1])]
    [(1, 2), (3, 2)]
    """
    if not _has_tensor(ary):
        return np.vsplit(ary, indices_or_sections)
    if len(_shape(ary)) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return _split(ary, indices_or_sections, 0, True)


def dsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Any]:
    """``split`` along axis 2 (of an array of at least 3 dimensions).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> [p.shape for p in fnp.dsplit(np.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    if not _has_tensor(ary):
        return np.dsplit(ary, indices_or_sections)
    if len(_shape(ary)) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return _split(ary, indices_or_sections, 2, True)


def unstack(x: ArrayLike, /, *, axis: int = 0) -> tuple[Any, ...]:
    """The tuple of ``x``'s slices along ``axis`` (the inverse of ``stack``).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.unstack(fg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    (tensor([1., 3.]), tensor([2., 4.]))
    """
    if not _has_tensor(x):
        return np.unstack(x, axis=axis)
    shape = _shape(x)
    if not shape:
        raise ValueError("Input array must be at least 1-d.")
    axis = normalize_axis_index(axis, len(shape))
    return tuple(_slice_along(x, axis, i) for i in builtins.range(shape[axis]))


# ---- repetition and padding -------------------------------------------------------------


def tile(A: ArrayLike, reps: int | Sequence[int]) -> Any:
    """``A`` repeated ``reps`` times along each axis (``reps`` an int or a tuple).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.tile([1, 2], (2, 2))
    array([[1, 2, 1, 2],
           [1, 2, 1, 2]])
    """
    if not _has_tensor(A):
        return np.tile(A, reps)
    given: Any = reps  # an int or a sequence of them: told apart by iterating
    try:
        reps = tuple(int(r) for r in given)
    except TypeError:
        reps = (int(given),)
    if any(r < 0 for r in reps):
        raise ValueError("negative dimensions are not allowed")
    shape = _shape(A)
    nd = builtins.max(len(reps), len(shape))
    shape = (1,) * (nd - len(shape)) + shape
    reps = (1,) * (nd - len(reps)) + reps
    if all(r == 1 for r in reps):
        return ops.clone(ops.reshape(A, shape))
    # Each axis of size s becomes (r, s) by broadcasting, then one reshape joins the pairs.
    interleaved = ops.reshape(A, tuple(d for s in shape for d in (1, s)))
    expanded = ops.expand(interleaved, tuple(d for r, s in zip(reps, shape) for d in (r, s)))
    return ops.reshape(expanded, tuple(r * s for r, s in zip(reps, shape)))


def repeat(a: ArrayLike, repeats: ArrayLike, axis: int | None = None) -> Any:
    """Each entry of ``a`` repeated ``repeats`` times along ``axis`` (the flattened array
    when None); ``repeats`` is an int or one count per entry.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0], requires_grad=True)
    >>> fnp.repeat(x, [1, 3]).sum().backward()
    >>> x.grad
    tensor([1., 3.])
    """
    if not _has_tensor(a):
        return np.repeat(a, repeats, axis)
    if isinstance(repeats, Tensor):
        repeats = repeats._data
    counts: Any = np.asarray(host(repeats))  # then an int or a tuple of them, as joining.repeat takes
    if counts.dtype.kind not in "iub":
        raise TypeError(
            f"Cannot cast array data from {counts.dtype!r} to dtype('int64') according to the rule 'safe'"
        )
    if axis is None:
        a, axis = ravel(a), 0
    shape = _shape(a)
    axis = normalize_axis_index(axis, len(shape))
    if counts.ndim > 1:
        raise ValueError("funcgrad.numpy.repeat: repeats must be an int or a 1-D sequence")
    if (counts < 0).any():
        raise ValueError("repeats may not contain negative values.")
    if counts.size == 1:
        counts = int(counts.reshape(()))
    elif counts.size != shape[axis]:
        raise ValueError(
            f"operands could not be broadcast together with shape ({shape[axis]},) ({counts.size},)"
        )
    else:
        counts = tuple(int(c) for c in counts)
    return joining.repeat(a, counts, axis)


def _as_pairs(x: Any, ndim: int, name: str, as_index: bool) -> tuple[tuple[Any, Any], ...]:
    """NumPy's broadcast of a pad argument to one (before, after) pair per axis."""
    if x is None:
        return ((None, None),) * ndim
    if isinstance(x, Tensor):
        raise TypeError(f"funcgrad.numpy.pad: {name} must be numbers, not a Tensor (it is not differentiated)")
    x = np.array(x)
    if as_index:
        x = np.round(x).astype(np.intp, copy=False)
    if x.ndim < 3 and x.size == 1:
        pairs = ((x.ravel()[0],) * 2,) * ndim
    elif x.ndim < 3 and x.size == 2 and x.shape != (2, 1):
        pairs = (tuple(x.ravel()),) * ndim
    else:
        pairs = tuple(map(tuple, np.broadcast_to(x, (ndim, 2))))
    if as_index and builtins.any(v < 0 for pair in pairs for v in pair):
        raise ValueError("index can't contain negative values")
    return tuple((v.item() if hasattr(v, "item") else v, w.item() if hasattr(w, "item") else w)
                 for v, w in pairs)


# np.pad's named modes, as NumPy's stubs spell them.
_PadMode: TypeAlias = Literal[
    "constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect",
    "symmetric", "wrap", "empty",
]
_PAD_OPTIONS: dict[str, tuple[str, ...]] = {
    "constant": ("constant_values",), "edge": (), "wrap": (), "empty": (),
    "linear_ramp": ("end_values",), "reflect": ("reflect_type",),
    "symmetric": ("reflect_type",), "maximum": ("stat_length",), "mean": ("stat_length",),
    "median": ("stat_length",), "minimum": ("stat_length",),
}


def pad(array: ArrayLike, pad_width: ArrayLike, mode: _PadMode | Callable[..., Any] = "constant",
        **kwargs: Any) -> Any:
    """``array`` padded with ``pad_width`` entries before and after each axis.

    ``pad_width`` takes NumPy's forms: an int, ``(before, after)``, one pair per axis, or a
    dict ``{axis: width or (before, after)}``. The modes covered for Tensors are 'constant',
    'edge', 'reflect', 'symmetric' (either ``reflect_type``), 'wrap', 'linear_ramp' and
    'mean'; the constants (``constant_values``, ``end_values``) are not differentiated.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = fnp.pad(x, (2, 1), mode="reflect")
    >>> y
    tensor([3., 2., 1., 2., 3., 2.], grad_fn=<PadBackward0>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([1., 3., 2.])
    """
    if not _has_tensor(array):
        return np.pad(array, pad_width, mode, **kwargs)
    if callable(mode):
        raise NotImplementedError("funcgrad.numpy.pad: a padding function as mode cannot be differentiated")
    if mode not in _PAD_OPTIONS:
        raise ValueError(f"mode '{mode}' is not supported")
    unsupported = set(kwargs) - set(_PAD_OPTIONS[mode])
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    if mode not in joining.LINEAR_PAD_MODES:
        raise NotImplementedError(
            f"funcgrad.numpy.pad: mode {mode!r} is not covered for Tensors (its padding is not a "
            f"linear function of the array); use one of {joining.LINEAR_PAD_MODES}"
        )
    ndim = len(_shape(array))
    if isinstance(pad_width, dict):
        seq = [(0, 0)] * ndim
        for ax, width in pad_width.items():
            seq[ax] = (width, width) if isinstance(width, int) else tuple(width)
        pad_width = seq
    widths = np.asarray(pad_width)
    if widths.dtype.kind != "i":
        raise TypeError("`pad_width` must be of integral type.")
    pad_width = tuple((int(b), int(a)) for b, a in _as_pairs(widths, ndim, "pad_width", True))
    options = []
    for key in sorted(kwargs):
        value = kwargs[key]
        if key in ("constant_values", "end_values"):
            value = _as_pairs(value, ndim, key, False)
        elif key == "stat_length" and value is not None:
            value = _as_pairs(value, ndim, key, True)
        options.append((key, value))
    return joining.pad(array, pad_width, mode, tuple(options))


# ---- reordering -------------------------------------------------------------------------


def flip(m: ArrayLike, axis: Axis = None) -> Any:
    """``m`` reversed along ``axis`` (all axes when None), as a view.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.flip(fg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
    tensor([[2., 1.],
            [4., 3.]])
    """
    if not _has_tensor(m):
        return np.flip(m, axis)
    ndim = len(_shape(m))
    axes = tuple(builtins.range(ndim)) if axis is None else normalize_axis_tuple(axis, ndim)
    return joining.flip(m, axes)


def fliplr(m: ArrayLike) -> Any:
    """``m`` reversed along axis 1 (left/right).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.fliplr([[1, 2], [3, 4]])
    array([[2, 1],
           [4, 3]])
    """
    if not _has_tensor(m):
        return np.fliplr(m)
    if len(_shape(m)) < 2:
        raise ValueError("Input must be >= 2-d.")
    return joining.flip(m, (1,))


def flipud(m: ArrayLike) -> Any:
    """``m`` reversed along axis 0 (up/down).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.flipud([1, 2, 3])
    array([3, 2, 1])
    """
    if not _has_tensor(m):
        return np.flipud(m)
    if len(_shape(m)) < 1:
        raise ValueError("Input must be >= 1-d.")
    return joining.flip(m, (0,))


def roll(a: ArrayLike, shift: int | Sequence[int], axis: int | Sequence[int] | None = None) -> Any:
    """``a`` shifted cyclically by ``shift`` along ``axis`` (the flattened array when None).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.roll(fg.tensor([1.0, 2.0, 3.0]), 1)
    tensor([3., 1., 2.])
    """
    if not _has_tensor(a):
        return np.roll(a, shift, axis)
    if isinstance(shift, Tensor):
        shift = shift._data
    shape = _shape(a)
    if axis is None:
        return ops.reshape(roll(ravel(a), shift, 0), shape)
    pairs = np.broadcast(shift, axis)
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts, axes = [], []
    for s, ax in pairs:
        shifts.append(int(s))
        axes.append(normalize_axis_index(int(ax), len(shape)))
    return joining.roll(a, tuple(shifts), tuple(axes))


def rot90(m: ArrayLike, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Any:
    """``m`` rotated by 90 degrees ``k`` times in the plane ``axes`` (from the first axis
    towards the second).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.rot90([[1, 2], [3, 4]])
    array([[2, 4],
           [1, 3]])
    """
    if not _has_tensor(m):
        return np.rot90(m, k, axes)
    plane = tuple(axes)
    if len(plane) != 2:
        raise ValueError("len(axes) must be 2.")
    ndim = len(_shape(m))
    if plane[0] == plane[1] or abs(plane[0] - plane[1]) == ndim:
        raise ValueError("Axes must be different.")
    if not (-ndim <= plane[0] < ndim and -ndim <= plane[1] < ndim):
        raise ValueError(f"Axes={plane} out of range for array of ndim={ndim}.")
    first, second = plane[0] % ndim, plane[1] % ndim
    k %= 4
    if k == 0:
        return ops.getitem(m, (slice(None),))
    if k == 2:
        return joining.flip(m, (first, second))
    order = list(builtins.range(ndim))
    order[first], order[second] = order[second], order[first]
    if k == 1:
        return ops.permute(joining.flip(m, (second,)), tuple(order))
    return joining.flip(ops.permute(m, tuple(order)), (second,))


# ---- diagonals and triangles ------------------------------------------------------------


def diagonal(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The diagonal ``a[i, i + offset]`` of the plane (axis1, axis2), a read-only view with
    the diagonal as its last axis.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.diagonal(fg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
    tensor([2.])
    """
    if not _has_tensor(a):
        return np.diagonal(a, offset, axis1, axis2)
    ndim = len(_shape(a))
    if ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = normalize_axis_index(axis1, ndim), normalize_axis_index(axis2, ndim)
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    return joining.diagonal(a, int(offset), axis1, axis2)


def diag(v: ArrayLike, k: int = 0) -> Any:
    """The ``k``-th diagonal of a 2-D array, or a 2-D array with the 1-D ``v`` on it.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.diag(fg.tensor([1.0, 2.0]), -1)
    tensor([[0., 0., 0.],
            [1., 0., 0.],
            [0., 2., 0.]])
    """
    if not _has_tensor(v):
        return np.diag(v, k)
    shape = _shape(v)
    k = int(k)
    if len(shape) == 1:
        n = shape[0] + abs(k)
        return joining.diagonal_transpose(v, k, 0, 1, (n, n))
    if len(shape) == 2:
        return joining.diagonal(v, k, 0, 1)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v: ArrayLike, k: int = 0) -> Any:
    """A 2-D array with the flattened ``v`` on its ``k``-th diagonal.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.diagflat([[1, 2]])
    array([[1, 0],
           [0, 2]])
    """
    if not _has_tensor(v):
        return np.diagflat(v, k)
    return diag(ravel(v), k)


def _triangle(m: Any, k: int, upper: bool) -> Any:
    shape = _shape(m)
    # Below or on the (k-1)-th diagonal for triu, the k-th for tril. N and M are passed as
    # NumPy's triu passes them (N alone, for an N by N mask, when m is 1-D), which NumPy's
    # stubs cannot match.
    xp = namespace(array_of(m))  # the mask where m is
    mask = xp.tri(*shape[-2:], k=k - 1 if upper else k, dtype=bool)
    zero = xp.zeros(1, dtype=_dtype(m))
    if upper:  # zero below the k-th diagonal
        return ops.where(mask, zero, m)
    return ops.where(mask, m, zero)


def triu(m: ArrayLike, k: int = 0) -> Any:
    """``m`` with the entries below the ``k``-th diagonal zeroed (of its last two axes).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.triu([[1, 2], [3, 4]])
    array([[1, 2],
           [0, 4]])
    """
    if not _has_tensor(m):
        return np.triu(m, k)
    return _triangle(m, int(k), True)


def tril(m: ArrayLike, k: int = 0) -> Any:
    """``m`` with the entries above the ``k``-th diagonal zeroed (of its last two axes).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.tril([[1, 2], [3, 4]])
    array([[1, 0],
           [3, 4]])
    """
    if not _has_tensor(m):
        return np.tril(m, k)
    return _triangle(m, int(k), False)


# ---- grids ------------------------------------------------------------------------------


def meshgrid(*xi: ArrayLike, copy: bool = True, sparse: bool = False,
             indexing: Literal["xy", "ij"] = "xy") -> tuple[Any, ...]:
    """Coordinate arrays from coordinate vectors (a tuple), with 'xy' (Cartesian) or 'ij'
    (matrix) indexing.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> X, Y = fnp.meshgrid([1, 2, 3], [4, 5])
    >>> X.shape, fnp.meshgrid([1, 2, 3], [4, 5], indexing="ij")[0].shape
    ((2, 3), (3, 2))
    """
    if not _has_tensor(*xi):
        return np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    ones = (1,) * ndim
    shapes = [ones[:i] + (-1,) + ones[i + 1:] for i in builtins.range(ndim)]
    if indexing == "xy" and ndim > 1:
        shapes[0], shapes[1] = (1, -1) + ones[2:], (-1, 1) + ones[2:]
    output = [ops.reshape(_arr(x), s) for x, s in zip(xi, shapes)]
    if not sparse:
        output = list(broadcast_arrays(*output))
    if copy:
        output = [ops.clone(x) for x in output]
    return tuple(output)


# ---- deleting and inserting -------------------------------------------------------------


def delete(arr: ArrayLike, obj: ArrayLike, axis: int | None = None) -> Any:
    """``arr`` without the sub-arrays ``obj`` (an int, slice, index or boolean array) along
    ``axis`` (the flattened array when None).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.delete(fg.tensor([1.0, 2.0, 3.0, 4.0]), [0, 2])
    tensor([2., 4.])
    """
    if not _has_tensor(arr):
        return np.delete(arr, obj, axis)
    if isinstance(obj, Tensor):
        obj = obj._data
    shape = _shape(arr)
    # NumPy decides which entries stay; their positions, gathered, are differentiable.
    positions = np.delete(np.arange(int(np.prod(shape))).reshape(shape), obj, axis)
    return ops.getitem(ops.reshape(arr, (-1,)), positions)


def insert(arr: ArrayLike, obj: ArrayLike, values: ArrayLike, axis: int | None = None) -> Any:
    """``arr`` with ``values`` inserted before the indices ``obj`` along ``axis`` (the
    flattened array when None); ``values`` are cast to ``arr``'s dtype.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.insert(fg.tensor([1.0, 2.0, 3.0]), 1, fg.tensor([8.0, 9.0]))
    tensor([1., 8., 9., 2., 3.])
    """
    if not _has_tensor(arr, values):
        return np.insert(arr, obj, values, axis)
    if isinstance(obj, Tensor):
        obj = obj._data
    arr, values = _arr(arr), _arr(values)
    arr_shape, values_shape = _shape(arr), _shape(values)
    # NumPy places the entries: run it on positions (1, 2, ... for arr's entries and
    # -1, -2, ... for those of values), then gather from both.
    arr_pos = np.arange(1, int(np.prod(arr_shape)) + 1).reshape(arr_shape)
    values_pos = -np.arange(1, int(np.prod(values_shape)) + 1).reshape(values_shape)
    placed = np.insert(arr_pos, obj, values_pos, axis)
    from_arr = placed > 0
    if _dtype(values) != _dtype(arr):
        values = ops.astype(values, _dtype(arr))
    taken_arr = ops.getitem(ops.reshape(arr, (-1,)), np.where(from_arr, placed - 1, 0))
    taken_values = ops.getitem(ops.reshape(values, (-1,)), np.where(from_arr, 0, -placed - 1))
    return ops.where(from_arr, taken_arr, taken_values)


NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}  # NumPy ufunc -> funcgrad function
# NumPy function -> funcgrad function (for __array_function__)
NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.append: append, np.array_split: array_split, np.atleast_1d: atleast_1d,
    np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d, np.block: block,
    np.broadcast_arrays: broadcast_arrays, np.column_stack: column_stack,
    np.delete: delete, np.diag: diag, np.diagflat: diagflat, np.diagonal: diagonal,
    np.dsplit: dsplit, np.dstack: dstack, np.flip: flip, np.fliplr: fliplr, np.flipud: flipud,
    np.hsplit: hsplit, np.hstack: hstack, np.insert: insert,
    np.matrix_transpose: matrix_transpose, np.meshgrid: meshgrid, np.moveaxis: moveaxis,
    np.pad: pad, np.ravel: ravel, np.repeat: repeat,
    np.resize: resize, np.roll: roll, np.rollaxis: rollaxis, np.rot90: rot90,
    np.row_stack: row_stack, np.split: split, np.tile: tile, np.tril: tril, np.triu: triu,
    np.unstack: unstack, np.vsplit: vsplit, np.vstack: vstack,
}

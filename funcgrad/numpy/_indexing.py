"""Indexing, selection and sorting: take, take_along_axis, choose, compress, select, extract,
sort, partition, and the index-valued helpers (argsort, argpartition, searchsorted, nonzero,
flatnonzero, argwhere, unique, lexsort).

Given only raw arrays each function returns what NumPy returns. Given a Tensor, values are
gathered with ``getitem`` (whose gradient scatters back, adding over repeated indices),
selected with ``where`` (a branch not selected gets exactly zero gradient), or reordered by
a permutation (``permute_along_axis``, for sort and partition). Indices, masks and
conditions carry no gradient; functions that return indices return them as Tensors (that do
not require grad) when given a Tensor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.lib.array_utils import normalize_axis_index
from typing_extensions import TypeAlias

from .. import ops
from .._typing import Array, ArrayLike
from ..backend import namespace
from ..ops.sorting import inverse_permutation, permute_along_axis
from ..tensor import Tensor, _from_array
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._arrays import has_tensor as _has_tensor, no_out as _no_out

__all__ = [
    "argpartition", "argsort", "argwhere", "choose", "compress", "extract", "flatnonzero",
    "lexsort", "nonzero", "partition", "searchsorted", "select", "sort", "sort_complex",
    "take", "take_along_axis", "unique",
]
NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}  # NumPy ufunc -> funcgrad function

# take's and choose's modes, and sort's algorithms, as NumPy's stubs spell them.
_Mode: TypeAlias = Literal["raise", "wrap", "clip"]
_SortKind: TypeAlias = Literal["quicksort", "mergesort", "heapsort", "stable"]


# ---- helpers ----------------------------------------------------------------------------


def _raw(obj: Any) -> Any:
    """``obj`` with Tensors replaced by their data (inside lists and tuples too)."""
    if isinstance(obj, Tensor):
        return obj._data
    if isinstance(obj, list):
        return [_raw(o) for o in obj]
    if isinstance(obj, tuple):
        return tuple(_raw(o) for o in obj)
    return obj


def _as_tensor(result: Any) -> Any:
    """NumPy's result as Tensors that do not require grad (arrays inside tuples too)."""
    if isinstance(result, tuple):
        return type(result)(*map(_as_tensor, result)) if hasattr(result, "_fields") \
            else tuple(_as_tensor(r) for r in result)
    if isinstance(result, Tensor):
        return result
    return _from_array(result if hasattr(result, "shape") and not isinstance(result, np.generic)
                       else np.asarray(result))




def _no_order(order: object, name: str) -> None:
    if order is not None:
        raise NotImplementedError(
            f"funcgrad.numpy.{name}: order= sorts structured arrays by field, which funcgrad "
            f"does not differentiate; call numpy.{name} on the data instead"
        )


def _check_mode(mode: str) -> None:
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")


def _index_array(indices: ArrayLike) -> Array:
    """``indices`` as an integer array (NumPy's casting for take: lists convert, float
    arrays do not, booleans count as 0 and 1)."""
    idx = _data(indices)
    if not hasattr(idx, "dtype"):
        return np.asarray(idx, dtype=np.intp)
    if idx.dtype.kind == "b":
        return idx.astype(np.intp)
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"Cannot cast array data from dtype('{idx.dtype}') to dtype('int64') according to "
            f"the rule 'same_kind'"
        )
    return idx


def _resolve_mode(idx: Array, n: int, mode: str) -> Array:
    """Indices into an axis of length ``n`` after ``mode`` ('raise' leaves them to indexing)."""
    if mode == "raise":
        return idx
    if n == 0 and np.size(idx):
        raise IndexError("cannot do a non-empty take from an empty axes.")
    if mode == "wrap":
        return idx % n if n else idx
    return namespace(idx).clip(idx, 0, max(n - 1, 0))


def _broadcast_result(out: Any, shape: Sequence[int], dtype: np.dtype[Any]) -> Any:
    """``out`` broadcast to ``shape`` (as a new array) and cast to ``dtype``, as NumPy's
    selection functions return."""
    if tuple(_shape(out)) != tuple(shape):
        out = ops.clone(ops.expand(out, tuple(shape)))
    if _data(out).dtype != dtype:
        out = ops.astype(out, dtype)
    return out


def _dtype_probe(values: Sequence[ArrayLike]) -> list[Any]:
    """0-d stand-ins with the same dtypes (Python numbers kept as they are), so that NumPy
    itself tells the result dtype of a selection among ``values``."""
    probes = []
    for v in values:
        d = _data(v)
        probes.append(np.zeros((), d.dtype) if hasattr(d, "dtype") else d)
    return probes


# ---- gathering --------------------------------------------------------------------------


def take(a: ArrayLike, indices: ArrayLike, axis: int | None = None, out: None = None,
         mode: _Mode = "raise") -> Any:
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array if None).

    The gradient scatters back into ``a``, adding over repeated indices; ``indices`` carry
    none. ``mode`` is 'raise', 'wrap' or 'clip', as in NumPy.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> fnp.take(x, [0, 2, 2])
    tensor([1., 3., 3.], grad_fn=<IndexBackward0>)
    >>> fnp.sum(fnp.take(x, [0, 2, 2])).backward()
    >>> x.grad
    tensor([1., 0., 2.])
    """
    _no_out(out, "take")
    if not isinstance(a, Tensor):
        result = np.take(_raw(a), _raw(indices), axis=axis, mode=mode)
        return _as_tensor(result) if isinstance(indices, Tensor) else result
    _check_mode(mode)
    idx = _index_array(indices)
    if axis is None:
        a = ops.reshape(a, (-1,))
        axis = 0
    shape = _shape(a)
    axis = normalize_axis_index(axis, len(shape))
    idx = _resolve_mode(idx, shape[axis], mode)
    # A 0-d index array is still an advanced index: the result is a copy, as np.take's.
    return ops.getitem(a, (slice(None),) * axis + (namespace(idx).asarray(idx),))


def take_along_axis(arr: ArrayLike, indices: ArrayLike, axis: int | None = -1) -> Any:
    """Values of ``arr`` at ``indices`` matched along ``axis`` (e.g. the indices that
    ``argsort`` gives); ``axis=None`` works on the flattened array.

    The gradient scatters back into ``arr``, adding over repeated indices.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([[3.0, 1.0], [2.0, 5.0]], requires_grad=True)
    >>> idx = fnp.argsort(x, axis=1)
    >>> fnp.take_along_axis(x, idx, axis=1)
    tensor([[1., 3.],
            [2., 5.]], grad_fn=<IndexBackward0>)
    """
    if not isinstance(arr, Tensor):
        result = np.take_along_axis(_raw(arr), _raw(indices), axis=axis)
        return _as_tensor(result) if isinstance(indices, Tensor) else result
    idx = _data(indices)
    if not hasattr(idx, "dtype") or idx.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if idx.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr = ops.reshape(arr, (-1,))
        axis = 0
    shape = _shape(arr)
    nd = len(shape)
    if idx.ndim != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = normalize_axis_index(axis, nd)
    xp = namespace(idx)
    # One advanced index per dimension: ``indices`` along ``axis``, a broadcast arange
    # along each of the others (which broadcast against ``indices`` as NumPy's do).
    key = tuple(
        idx if d == axis else xp.arange(shape[d]).reshape((-1,) + (1,) * (nd - d - 1))
        for d in range(nd)
    )
    return ops.getitem(arr, key)


def compress(condition: ArrayLike, a: ArrayLike, axis: int | None = None,
             out: None = None) -> Any:
    """The slices of ``a`` along ``axis`` (of the flattened array if None) where the 1-d
    ``condition`` is true; the gradient goes back to those slices.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> fnp.sum(fnp.compress([False, True], x, axis=0) ** 2).backward()
    >>> x.grad
    tensor([[0., 0.],
            [6., 8.]])
    """
    _no_out(out, "compress")
    if not isinstance(a, Tensor):
        result = np.compress(_raw(condition), _raw(a), axis=axis)
        return _as_tensor(result) if isinstance(condition, Tensor) else result
    cond = _data(condition)
    if np.ndim(cond) != 1:
        raise ValueError("condition must be a 1-d array")
    return take(a, namespace(cond).flatnonzero(cond), axis)


def extract(condition: ArrayLike, arr: ArrayLike) -> Any:
    """The elements of ``arr`` where ``condition`` is nonzero, flattened; the gradient goes
    back to those elements.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    >>> fnp.extract(x.detach().numpy() > 0, x)
    tensor([1., 4.], grad_fn=<IndexBackward0>)
    """
    if not isinstance(arr, Tensor):
        result = np.extract(_raw(condition), _raw(arr))
        return _as_tensor(result) if isinstance(condition, Tensor) else result
    cond = _data(condition)
    xp = namespace(cond) if hasattr(cond, "shape") else np
    return take(ops.reshape(arr, (-1,)), xp.flatnonzero(xp.asarray(cond)))


# ---- selecting among arrays -------------------------------------------------------------


def choose(a: ArrayLike, choices: ArrayLike, out: None = None, mode: _Mode = "raise") -> Any:
    """Elementwise ``choices[a]``: each output element from the choice its index in ``a``
    names (all broadcast together).

    Each choice's gradient is the output's where it was chosen and exactly zero elsewhere;
    ``a`` carries none. ``mode`` is 'raise', 'wrap' or 'clip', as in NumPy.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> fnp.choose([0, 1, 0], [x, 10 * x])
    tensor([ 1., 20.,  3.], grad_fn=<WhereBackward0>)
    """
    _no_out(out, "choose")
    if isinstance(choices, Tensor):
        choices = [ops.getitem(choices, k) for k in range(_shape(choices)[0])]
    elif not _has_tensor(choices):
        result = np.choose(_raw(a), _raw(choices), mode=mode)
        return _as_tensor(result) if isinstance(a, Tensor) else result
    _check_mode(mode)
    choices = list(choices)
    n = len(choices)
    idx = _data(a)
    idx = np.asarray(idx) if not hasattr(idx, "dtype") else idx
    if idx.dtype.kind not in "iub":
        raise TypeError(
            f"Cannot cast array data from dtype('{idx.dtype}') to dtype('int64') according to "
            f"the rule 'safe'"
        )
    if mode == "raise":
        if np.size(idx) and (idx.min() < 0 or idx.max() >= n):
            raise ValueError("invalid entry in choice array")
    else:
        idx = _resolve_mode(idx, n, mode)
    dtype = np.choose(np.zeros((), np.intp), _dtype_probe(choices)).dtype
    shape = np.broadcast_shapes(np.shape(idx), *[_shape(c) for c in choices])
    result = choices[-1]
    for k in range(n - 2, -1, -1):
        result = ops.where(idx == k, choices[k], result)
    return _as_tensor(_broadcast_result(result, shape, dtype))


def select(condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike],
           default: ArrayLike = 0) -> Any:
    """Elementwise, the entry of the first choice whose condition holds (``default`` where
    none does).

    A choice's gradient is the output's where it was selected and exactly zero elsewhere,
    even where its own derivative is infinite or NaN (``select([x > 0], [sqrt(x)])`` has
    gradient 0, not NaN, at ``x = 0``). Conditions carry no gradient.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([0.0, 4.0], requires_grad=True)
    >>> y = fnp.select([x > 0], [fnp.sqrt(x)], default=0.0)
    >>> fnp.sum(y).backward()
    >>> x.grad
    tensor([0.0000, 0.2500])
    """
    if not (_has_tensor(condlist) or _has_tensor(choicelist) or isinstance(default, Tensor)):
        return np.select(condlist, choicelist, default)
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conds = []
    for i, c in enumerate(condlist):
        c = _data(c)
        c = np.asarray(c) if not hasattr(c, "dtype") else c
        if c.dtype != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
        conds.append(c)
    n = len(conds)
    dtype = np.select([np.zeros((), bool)] * n, _dtype_probe(choicelist), _dtype_probe([default])[0]).dtype
    shape = np.broadcast_shapes(*[np.shape(c) for c in conds], *[_shape(c) for c in choicelist],
                                _shape(default))
    result = default
    for cond, choice in zip(reversed(conds), reversed(choicelist)):
        result = ops.where(cond, choice, result)
    return _as_tensor(_broadcast_result(result, shape, dtype))


# ---- sorting ----------------------------------------------------------------------------


def _flatten_for_axis(a: Any, axis: int | None) -> tuple[Any, int]:
    """``(a, negative axis)``; ``axis=None`` flattens ``a`` and works along its only axis."""
    if axis is None:
        return ops.reshape(a, (-1,)), -1
    nd = len(_shape(a))
    return a, normalize_axis_index(axis, nd) - nd


def sort(a: ArrayLike, axis: int | None = -1, kind: _SortKind | None = None,
         order: str | Sequence[str] | None = None, *, stable: bool | None = None) -> Any:
    """``a`` sorted along ``axis`` (the flattened array if None).

    The gradient routes back through the sorting permutation: each element of ``a``
    receives the gradient of the place it was sorted to (tied elements each get the
    gradient of their own place, in the order ``numpy.argsort`` gives with ``kind``).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([3.0, 1.0, 2.0], requires_grad=True)
    >>> y = fnp.sort(x)
    >>> y
    tensor([1., 2., 3.], grad_fn=<SortBackward0>)
    >>> (y * fg.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> x.grad
    tensor([100.,   1.,  10.])
    """
    if not isinstance(a, Tensor):
        return np.sort(a, axis=axis, kind=kind, order=order, stable=stable)
    _no_order(order, "sort")
    a, axis = _flatten_for_axis(a, axis)
    data = _data(a)
    perm = namespace(data).argsort(data, axis=axis, kind=kind, stable=stable)
    return permute_along_axis(a, perm, inverse_permutation(perm, axis), axis)


def sort_complex(a: ArrayLike) -> Any:
    """``a`` sorted by real part, then imaginary part, as a complex array; the gradient
    routes back through the sorting permutation.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.sort_complex([2.0, 1.0])
    array([1.+0.j, 2.+0.j])
    """
    if not isinstance(a, Tensor):
        return np.sort_complex(a)
    out = sort(a, axis=-1)
    real_dtype: np.dtype[Any] = _data(a).dtype
    dtype = np.sort_complex(np.zeros(1, real_dtype)).dtype
    return out if _data(out).dtype == dtype else ops.astype(out, dtype)


def _matching_permutation(data: Array, target: Array, axis: int) -> Array:
    """A permutation ``p`` along ``axis`` with ``take_along_axis(data, p) == target``, for
    ``target`` a rearrangement of ``data`` along ``axis``: the k-th smallest of each slice
    goes where ``target`` has its k-th smallest."""
    xp = namespace(data)
    by_rank = xp.argsort(data, axis=axis, kind="stable")
    places = xp.argsort(target, axis=axis, kind="stable")
    perm = xp.empty_like(by_rank)
    xp.put_along_axis(perm, places, by_rank, axis)
    return perm


def partition(a: ArrayLike, kth: int | Sequence[int], axis: int | None = -1,
              kind: Literal["introselect"] = "introselect",
              order: str | Sequence[str] | None = None) -> Any:
    """``a`` rearranged along ``axis`` so that the element at each ``kth`` position is the
    one a full sort would put there, smaller ones before it and larger ones after.

    The gradient routes back through the rearranging permutation (``numpy.argpartition``'s).
    The values are those ``numpy.partition`` gives, for Tensors too: where its unspecified
    order of the other elements differs from ``numpy.argpartition``'s (NumPy's two
    functions may use different algorithms), the permutation is adjusted to match it, so
    that a function computes the same values whether or not it is differentiated.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([5.0, 1.0, 4.0, 2.0], requires_grad=True)
    >>> y = fnp.partition(x, 1)
    >>> y[1]
    tensor(2., grad_fn=<SelectBackward0>)
    >>> y[1].backward()
    >>> x.grad
    tensor([0., 0., 0., 1.])
    """
    if not isinstance(a, Tensor):
        return np.partition(a, kth, axis=axis, kind=kind, order=order)
    _no_order(order, "partition")
    a, axis = _flatten_for_axis(a, axis)
    data = _data(a)
    xp = namespace(data)
    kth = _raw(kth)
    perm = xp.argpartition(data, kth, axis=axis, kind=kind)
    want = xp.partition(data, kth, axis=axis, kind=kind)
    if not xp.array_equal(xp.take_along_axis(data, perm, axis=axis), want, equal_nan=data.dtype.kind in "fc"):
        perm = _matching_permutation(data, want, axis)
    return permute_along_axis(a, perm, inverse_permutation(perm, axis), axis)


# ---- indices: no gradient ---------------------------------------------------------------


def _index_result(np_func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """NumPy's ``np_func`` on the data; Tensors (not requiring grad) if a Tensor was given."""
    result = np_func(*_raw(args), **kwargs)
    return _as_tensor(result) if _has_tensor(args) else result


def argsort(a: ArrayLike, axis: int | None = -1, kind: _SortKind | None = None,
            order: str | Sequence[str] | None = None, *, stable: bool | None = None) -> Any:
    """The indices that sort ``a`` along ``axis`` (no gradient: indices are constant).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.argsort([3.0, 1.0, 2.0])
    array([1, 2, 0])
    """
    return _index_result(np.argsort, a, axis=axis, kind=kind, order=order, stable=stable)


def argpartition(a: ArrayLike, kth: int | Sequence[int], axis: int | None = -1,
                 kind: Literal["introselect"] = "introselect",
                 order: str | Sequence[str] | None = None) -> Any:
    """The indices that partition ``a`` along ``axis`` around ``kth`` (no gradient).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> int(fnp.argpartition([5.0, 1.0, 4.0, 2.0], 1)[1])
    3
    """
    return _index_result(np.argpartition, a, _raw(kth), axis=axis, kind=kind, order=order)


def lexsort(keys: ArrayLike, axis: int = -1) -> Any:
    """The indices that sort by several keys, the last one primary (no gradient).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.lexsort(([2, 1, 3], [0, 0, 1]))
    array([1, 0, 2])
    """
    result = np.lexsort(_raw(keys), axis=axis)
    return _as_tensor(result) if _has_tensor(keys) else result


def searchsorted(a: ArrayLike, v: ArrayLike, side: Literal["left", "right"] = "left",
                 sorter: ArrayLike = None) -> Any:
    """The indices at which inserting ``v`` keeps the sorted ``a`` sorted (no gradient).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.searchsorted([1.0, 2.0, 3.0], [2.5, 0.0])
    array([2, 0])
    """
    return _index_result(np.searchsorted, a, v, side=side, sorter=_raw(sorter))


def nonzero(a: ArrayLike) -> Any:
    """The indices of the nonzero elements of ``a``, one array per dimension (no gradient).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.nonzero(fg.tensor([[0.0, 1.0], [2.0, 0.0]]))
    (tensor([0, 1]), tensor([1, 0]))
    """
    return _index_result(np.nonzero, a)


def flatnonzero(a: ArrayLike) -> Any:
    """The indices of the nonzero elements of the flattened ``a`` (no gradient).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.flatnonzero([[0.0, 1.0], [2.0, 0.0]])
    array([1, 2])
    """
    return _index_result(np.flatnonzero, a)


def argwhere(a: ArrayLike) -> Any:
    """The indices of the nonzero elements of ``a``, one row per element (no gradient).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.argwhere([[0.0, 1.0], [2.0, 0.0]])
    array([[0, 1],
           [1, 0]])
    """
    return _index_result(np.argwhere, a)


def where(condition: ArrayLike, x: ArrayLike = None, y: ArrayLike = None) -> Any:
    """``x`` where ``condition`` holds, else ``y``; with ``condition`` alone, the indices
    of its nonzero elements (``nonzero(condition)``, no gradient).

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad.numpy._indexing import where
    >>> where([0.0, 3.0, 4.0])
    (array([1, 2]),)
    """
    if x is None and y is None:
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return ops.where(condition, x, y)


def unique(ar: ArrayLike, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *, equal_nan: bool = True,
           sorted: bool = True) -> Any:
    """The unique elements of ``ar`` (or unique slices along ``axis``), with NumPy's
    optional indices, inverse and counts.

    Given a Tensor, the unique values are gathered differentiably from the first occurrence
    of each (``take(ar, index, axis)``, ``index`` as ``return_index`` gives it), so each
    first occurrence receives its value's gradient and repeats receive zero; the indices,
    inverse and counts are Tensors without gradient. On Tensors the values always come
    sorted (``sorted=False`` only allows any order).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([2.0, 1.0, 2.0], requires_grad=True)
    >>> fnp.sum(fnp.unique(x) * fg.tensor([10.0, 100.0])).backward()
    >>> x.grad
    tensor([100.,  10.,   0.])
    """
    if not isinstance(ar, Tensor):
        # NumPy's stubs overload unique on literal flags; these are bools known at run time.
        return np.unique(  # type: ignore[call-overload]
            ar, return_index, return_inverse, return_counts, axis, equal_nan=equal_nan,
            sorted=sorted)
    # With return_index NumPy takes its sorting path: values sorted, index of first occurrence.
    found = np.unique(  # type: ignore[call-overload]
        _data(ar), True, return_inverse, return_counts, axis, equal_nan=equal_nan)
    index = found[1]
    values = take(ar, index, axis=axis)
    extras = ((index,) if return_index else ()) + tuple(found[2:])
    if not extras:
        return values
    return (values,) + tuple(_as_tensor(e) for e in extras)


NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.take: take, np.take_along_axis: take_along_axis, np.choose: choose,
    np.compress: compress, np.select: select, np.extract: extract, np.sort: sort,
    np.sort_complex: sort_complex, np.partition: partition, np.argsort: argsort,
    np.argpartition: argpartition, np.lexsort: lexsort, np.searchsorted: searchsorted,
    np.nonzero: nonzero, np.flatnonzero: flatnonzero, np.argwhere: argwhere,
    np.unique: unique,
}  # NumPy function -> funcgrad function (for __array_function__)

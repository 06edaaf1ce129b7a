"""Reductions and statistics with NumPy's signatures: nansum, nanmean, var, std, cumsum,
cumprod, average, ptp, median, percentile, quantile, trace, nanmax, count_nonzero, ...

Given only arrays these call NumPy itself (so they return exactly what NumPy returns); given
a Tensor they are composites of funcgrad's primitives, so they record and differentiate in
reverse and forward mode, to any order the primitives do. Masks and sort orders computed
from the data (where the NaNs are, which element is the median) are constants of the
derivative, as in NumPy's own definitions of these functions away from ties.
"""

from __future__ import annotations

import builtins
import warnings
from typing import Any, Callable, Literal, TypeAlias, get_args

import numpy as np

from .. import backend as _backend
from .. import ops
from ..ops import stats as _stats
from ..backend import is_cuda_array
from ._arrays import any_tensor as _any_tensor, array_of, host as _host, no_out as _no_out, operand
from ..tensor import Tensor, _from_array
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from .._typing import Array, ArrayLike, Axis, DTypeLike

__all__ = [
    "average", "count_nonzero", "cumprod", "cumsum", "cumulative_prod", "cumulative_sum",
    "median", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile",
    "ptp", "quantile", "std", "trace", "var",
]

_AxisError = getattr(np, "exceptions", np).AxisError


# ---- helpers ----------------------------------------------------------------------------


def _given(**kwargs: Any) -> dict[str, Any]:
    """The optional keyword arguments that were given (to pass on to NumPy)."""
    return {k: v for k, v in kwargs.items() if v is not None and not (k == "where" and v is True)}


def _axes_tuple(axis: Axis | list[int], ndim: int, name: str) -> tuple[int, ...]:
    """``axis`` (None, int or sequence) as a tuple of non-negative axes, in the given order."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise _AxisError(a, ndim)
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"funcgrad.numpy.{name}: repeated axis")
    return tuple(out)


def _axis_arg(axis: Axis | list[int]) -> Axis:
    return tuple(axis) if isinstance(axis, list) else axis


def _is_inexact(a: ArrayLike) -> bool:
    return array_of(a).dtype.kind in "fc"


def _arr(a: ArrayLike) -> Any:
    """A Tensor (or device array) as is; anything else as an array."""
    return operand(a)


def _cast(a: ArrayLike, dtype: DTypeLike) -> Any:
    a = _arr(a)
    return ops.astype(a, dtype) if dtype is not None and _data(a).dtype != np.dtype(dtype) else a


def _as_float(a: Any) -> Any:
    """Integers and booleans as float64 (what NumPy computes means and variances in)."""
    return a if _is_inexact(a) else ops.astype(a, np.float64)


def _wrap(value: ArrayLike) -> Tensor:
    """A NumPy result as a Tensor that records nothing (for inputs that cannot have a
    gradient, such as integer Tensors)."""
    return _from_array(value if is_cuda_array(value) else np.asarray(value))


def _kept_mask(xd: Array, where: ArrayLike, skip_nan: bool) -> Array | None:
    """True at the elements that take part (``where`` and, for nan-functions, not NaN), or
    None when all do."""
    mask = None
    if skip_nan and xd.dtype.kind in "fc":
        nan = np.isnan(xd)
        if nan.any():
            mask = ~nan
    if where is not True and where is not None:
        w = np.broadcast_to(array_of(where).astype(bool, copy=False), xd.shape)
        mask = w if mask is None else mask & w
    return mask


def _fill(x: Any, mask: Array | None, value: float) -> Any:
    return x if mask is None else ops.where(mask, x, value)


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


# ---- sums, products, means --------------------------------------------------------------


def nansum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
           keepdims: bool = False, initial: ArrayLike | None = None,
           where: ArrayLike = True) -> Any:
    """Sum over ``axis`` treating NaNs as zero (NumPy's ``nansum``); NaNs get a zero gradient.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    >>> fnp.nansum(x).backward()
    >>> x.grad
    tensor([1., 0., 1.])
    """
    _no_out(out, "nansum")
    if not _any_tensor(a):
        return np.nansum(a, axis=axis, dtype=dtype, keepdims=keepdims,
                         **_given(initial=initial, where=where))
    x = _cast(a, dtype)
    r = ops.sum(_fill(x, _kept_mask(_data(x), where, True), 0), _axis_arg(axis), keepdims)
    return r if initial is None else ops.add(r, initial)


def nanprod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
            keepdims: bool = False, initial: ArrayLike | None = None,
            where: ArrayLike = True) -> Any:
    """Product over ``axis`` treating NaNs as one (NumPy's ``nanprod``); exact at zeros.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanprod(np.array([2.0, np.nan, 3.0])))
    6.0
    """
    _no_out(out, "nanprod")
    if not _any_tensor(a):
        return np.nanprod(a, axis=axis, dtype=dtype, keepdims=keepdims,
                          **_given(initial=initial, where=where))
    x = _cast(a, dtype)
    r = ops.prod(_fill(x, _kept_mask(_data(x), where, True), 1), _axis_arg(axis), keepdims)
    return r if initial is None else ops.mul(r, initial)


def _masked_mean(x: Any, mask: Array | None, axes: tuple[int, ...],
                 keepdims: bool) -> tuple[Any, Any]:
    """The mean over ``axes`` of the elements in ``mask`` (all if None), and their count."""
    xd = _data(x)
    if mask is None:
        return ops.mean(x, axes, keepdims), _count(xd.shape, axes)
    n = np.sum(mask, axis=axes, keepdims=keepdims)
    if np.any(n == 0):
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=3)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ops.div(ops.sum(ops.where(mask, x, 0), axes, keepdims), n.astype(xd.dtype)), n


def nanmean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
            keepdims: bool = False, *, where: ArrayLike = True) -> Any:
    """Mean over ``axis`` ignoring NaNs (NumPy's ``nanmean``); NaNs get a zero gradient.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    >>> fnp.nanmean(x).backward()
    >>> x.grad
    tensor([0.5000, 0.0000, 0.5000])
    """
    _no_out(out, "nanmean")
    if not _any_tensor(a):
        return np.nanmean(a, axis=axis, dtype=dtype, keepdims=keepdims, **_given(where=where))
    x = _as_float(_cast(a, dtype))
    axes = _axes_tuple(axis, _data(x).ndim, "nanmean")
    return _masked_mean(x, _kept_mask(_data(x), where, True), axes, keepdims)[0]


# ---- variance and standard deviation ----------------------------------------------------


def _moment2(name: str, a: ArrayLike, axis: Axis, dtype: DTypeLike, ddof: float,
             keepdims: bool, where: ArrayLike, mean: ArrayLike | None,
             correction: float | None, skip_nan: bool) -> Any:
    if correction is not None:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    x = _as_float(_cast(a, dtype))
    xd = _data(x)
    if xd.dtype.kind == "c":
        raise NotImplementedError(f"funcgrad.numpy.{name}: complex Tensors are not supported yet")
    axes = _axes_tuple(axis, xd.ndim, name)
    mask = _kept_mask(xd, where, skip_nan)
    if mask is None:
        n = _count(xd.shape, axes)
        denom = builtins.max(n - ddof, 0)
    else:
        n = np.sum(mask, axis=axes, keepdims=keepdims)
        denom = np.maximum(n - ddof, 0).astype(xd.dtype)
        if np.any(n == 0) and skip_nan:
            warnings.warn("Degrees of freedom <= 0 for slice.", RuntimeWarning, stacklevel=3)
    m = mean if mean is not None else _masked_mean(x, mask, axes, True)[0]
    centered = _fill(ops.sub(x, m), mask, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ops.div(ops.sum(ops.mul(centered, centered), axes, keepdims), denom)


def _sqrt_zero_safe(v: Any) -> Any:
    """sqrt(v) whose derivative is 0 (not inf or NaN) where v is 0: no spread, no slope."""
    zero = np.equal(_data(v), 0)
    if not zero.any():
        return ops.sqrt(v)
    return ops.where(zero, 0, ops.sqrt(ops.where(zero, 1, v)))


def var(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: float = 0, keepdims: bool = False, *, where: ArrayLike = True,
        mean: ArrayLike | None = None, correction: float | None = None) -> Any:
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom (NumPy's ``var``);
    differentiable in ``a`` and in a given ``mean``.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0, 6.0], requires_grad=True)
    >>> v = fnp.var(x, ddof=1)
    >>> v.backward()
    >>> float(v), x.grad
    (7.0, tensor([-2., -1.,  3.]))
    """
    _no_out(out, "var")
    if not _any_tensor(a, mean):
        return np.var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                      **_given(where=where, mean=mean, correction=correction))
    return _moment2("var", a, axis, dtype, ddof, keepdims, where, mean, correction, False)


def std(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: float = 0, keepdims: bool = False, *, where: ArrayLike = True,
        mean: ArrayLike | None = None, correction: float | None = None) -> Any:
    """Standard deviation over ``axis`` (NumPy's ``std``); its gradient is 0 where all the
    values of a slice are equal (not NaN).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([2.0, 2.0, 2.0], requires_grad=True)
    >>> fnp.std(x).backward()
    >>> x.grad
    tensor([0., 0., 0.])
    """
    _no_out(out, "std")
    if not _any_tensor(a, mean):
        return np.std(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                      **_given(where=where, mean=mean, correction=correction))
    return _sqrt_zero_safe(_moment2("std", a, axis, dtype, ddof, keepdims, where, mean,
                                    correction, False))


def nanvar(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
           ddof: float = 0, keepdims: bool = False, *, where: ArrayLike = True,
           mean: ArrayLike | None = None, correction: float | None = None) -> Any:
    """Variance over ``axis`` ignoring NaNs (NumPy's ``nanvar``); NaNs get a zero gradient.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanvar(np.array([1.0, np.nan, 3.0])))
    1.0
    """
    _no_out(out, "nanvar")
    if not _any_tensor(a, mean):
        return np.nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                         **_given(where=where, mean=mean, correction=correction))
    return _moment2("nanvar", a, axis, dtype, ddof, keepdims, where, mean, correction, True)


def nanstd(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
           ddof: float = 0, keepdims: bool = False, *, where: ArrayLike = True,
           mean: ArrayLike | None = None, correction: float | None = None) -> Any:
    """Standard deviation over ``axis`` ignoring NaNs (NumPy's ``nanstd``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanstd(np.array([1.0, np.nan, 3.0])))
    1.0
    """
    _no_out(out, "nanstd")
    if not _any_tensor(a, mean):
        return np.nanstd(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                         **_given(where=where, mean=mean, correction=correction))
    return _sqrt_zero_safe(_moment2("nanstd", a, axis, dtype, ddof, keepdims, where, mean,
                                    correction, True))


# ---- cumulative sums and products -------------------------------------------------------


def _scan(prim: Callable[..., Any], a: ArrayLike, axis: Axis | list[int], dtype: DTypeLike,
          name: str) -> Any:
    x = _cast(a, dtype)
    if axis is None:
        x = ops.reshape(x, (-1,))
        axis = 0
    elif isinstance(axis, (tuple, list)):
        raise TypeError(f"funcgrad.numpy.{name}: axis must be an integer or None")
    return prim(x, int(axis))


def cumsum(a: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
           out: None = None) -> Any:
    """Cumulative sum along ``axis`` (of the flattened array if None; NumPy's ``cumsum``).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> fnp.sum(fnp.cumsum(x)).backward()
    >>> x.grad
    tensor([3., 2., 1.])
    """
    _no_out(out, "cumsum")
    if not _any_tensor(a):
        return np.cumsum(a, axis=axis, dtype=dtype)
    return _scan(_stats.cumsum, a, axis, dtype, "cumsum")


def cumprod(a: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
            out: None = None) -> Any:
    """Cumulative product along ``axis`` (NumPy's ``cumprod``); the gradient is exact where
    entries are zero (no division by them).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> fnp.sum(fnp.cumprod(x)).backward()
    >>> x.grad
    tensor([1., 8., 0.])
    """
    _no_out(out, "cumprod")
    if not _any_tensor(a):
        return np.cumprod(a, axis=axis, dtype=dtype)
    return _scan(_stats.cumprod, a, axis, dtype, "cumprod")


def nancumsum(a: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
              out: None = None) -> Any:
    """Cumulative sum treating NaNs as zero (NumPy's ``nancumsum``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.nancumsum(np.array([1.0, np.nan, 2.0]))
    array([1., 1., 3.])
    """
    _no_out(out, "nancumsum")
    if not _any_tensor(a):
        return np.nancumsum(a, axis=axis, dtype=dtype)
    return cumsum(_fill(a, _kept_mask(_data(a), True, True), 0), axis, dtype)


def nancumprod(a: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
               out: None = None) -> Any:
    """Cumulative product treating NaNs as one (NumPy's ``nancumprod``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    _no_out(out, "nancumprod")
    if not _any_tensor(a):
        return np.nancumprod(a, axis=axis, dtype=dtype)
    return cumprod(_fill(a, _kept_mask(_data(a), True, True), 1), axis, dtype)


def _cumulative(prim: Callable[..., Any], x: Any, axis: int | None, dtype: DTypeLike,
                include_initial: bool, initial: float, name: str) -> Any:
    xd = _data(x)
    if axis is None:
        if xd.ndim > 1:
            raise ValueError("For arrays which have more than one dimension ``axis`` argument is required.")
        axis = 0
    if xd.ndim == 0:
        raise ValueError(f"funcgrad.numpy.{name}: the input must have at least one dimension")
    axis = int(axis)
    r = _scan(prim, x, axis, dtype, name)
    if not include_initial:
        return r
    rd = _data(r)
    shape = list(rd.shape)
    shape[axis] = 1
    return ops.cat((np.full(shape, initial, dtype=rd.dtype), r), axis)


def cumulative_sum(x: ArrayLike, /, *, axis: int | None = None, dtype: DTypeLike = None,
                   out: None = None, include_initial: bool = False) -> Any:
    """Cumulative sum, optionally starting with 0 (NumPy's ``cumulative_sum``, Array API).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.cumulative_sum(np.array([1.0, 2.0]), include_initial=True)
    array([0., 1., 3.])
    """
    _no_out(out, "cumulative_sum")
    if not _any_tensor(x):
        if hasattr(np, "cumulative_sum"):
            return np.cumulative_sum(x, axis=axis, dtype=dtype, include_initial=include_initial)
        x = np.asarray(x)
    return _cumulative(_stats.cumsum, x, axis, dtype, include_initial, 0, "cumulative_sum")


def cumulative_prod(x: ArrayLike, /, *, axis: int | None = None, dtype: DTypeLike = None,
                    out: None = None, include_initial: bool = False) -> Any:
    """Cumulative product, optionally starting with 1 (NumPy's ``cumulative_prod``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.cumulative_prod(np.array([2.0, 3.0]), include_initial=True)
    array([1., 2., 6.])
    """
    _no_out(out, "cumulative_prod")
    if not _any_tensor(x):
        if hasattr(np, "cumulative_prod"):
            return np.cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)
        x = np.asarray(x)
    return _cumulative(_stats.cumprod, x, axis, dtype, include_initial, 1, "cumulative_prod")


# ---- weighted average, peak to peak, trace ----------------------------------------------


def average(a: ArrayLike, axis: Axis = None, weights: ArrayLike | None = None,
            returned: bool = False, *, keepdims: bool = False) -> Any:
    """Weighted average over ``axis`` (NumPy's ``average``); differentiable in ``a`` and in
    ``weights``. With ``returned=True``, also the sum of the weights.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> w = fg.tensor([1.0, 3.0], requires_grad=True)
    >>> avg = fnp.average(fg.tensor([2.0, 4.0]), weights=w)
    >>> avg.backward()
    >>> float(avg), w.grad
    (3.5, tensor([-0.3750,  0.1250]))
    """
    if not _any_tensor(a, weights):
        # NumPy's stubs overload on Literal flags, which a bool variable matches none of
        return np.average(a, axis=axis, weights=weights, returned=returned,  # type: ignore[call-overload]
                          keepdims=keepdims)
    a = _arr(a)
    ad = _data(a)
    if weights is None:
        avg = ops.mean(_as_float(a), _axis_arg(axis), keepdims)
        if not returned:
            return avg
        avg_d = _data(avg)
        scale = avg_d.dtype.type(ad.size / builtins.max(avg_d.size, 1))
        return avg, _wrap(np.full(avg_d.shape, scale, dtype=avg_d.dtype))
    wd = array_of(weights)
    axes = None if axis is None else _axes_tuple(axis, ad.ndim, "average")
    w = weights
    if ad.shape != wd.shape:
        if axes is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if wd.shape != tuple(ad.shape[ax] for ax in axes):
            raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
        order = tuple(int(i) for i in np.argsort(axes))
        if order != tuple(range(len(order))):
            w = ops.permute(w, order)
        w = ops.reshape(w, tuple(s if i in axes else 1 for i, s in enumerate(ad.shape)))
    if ad.dtype.kind in "biu":
        result_dtype = np.result_type(ad.dtype, wd.dtype, "f8")
    else:
        result_dtype = np.result_type(ad.dtype, wd.dtype)
    a, w = _cast(a, result_dtype), _cast(w, result_dtype)
    total = ops.sum(w, axes, keepdims)
    if np.any(_data(total) == 0.0):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    avg = ops.div(ops.sum(ops.mul(a, w), axes, keepdims), total)
    if not returned:
        return avg
    if _data(total).shape != _data(avg).shape:
        total = ops.expand(total, _data(avg).shape)
    return avg, total


def ptp(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Any:
    """Range (maximum minus minimum) over ``axis`` (NumPy's ``ptp``); ties share the gradient.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> int(fnp.ptp(np.array([4, 9, 2])))
    7
    """
    _no_out(out, "ptp")
    if not _any_tensor(a):
        return np.ptp(a, axis=axis, keepdims=keepdims)
    axis = _axis_arg(axis)
    return ops.sub(ops.amax(a, axis, keepdims), ops.amin(a, axis, keepdims))


def trace(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1,
          dtype: DTypeLike = None, out: None = None) -> Any:
    """Sum along a diagonal of the 2-d sub-arrays on ``axis1``, ``axis2`` (NumPy's ``trace``).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> fnp.trace(x).backward()
    >>> x.grad
    tensor([[1., 0.],
            [0., 1.]])
    """
    _no_out(out, "trace")
    if not _any_tensor(a):
        return np.trace(a, offset=offset, axis1=axis1, axis2=axis2, dtype=dtype)
    x = _cast(a, dtype)
    shape = _data(x).shape
    nd = len(shape)
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    ax1, ax2 = _axes_tuple((axis1,), nd, "trace")[0], _axes_tuple((axis2,), nd, "trace")[0]
    if ax1 == ax2:
        raise ValueError("axis1 and axis2 cannot be the same")
    perm = tuple(i for i in range(nd) if i not in (ax1, ax2)) + (ax1, ax2)
    if perm != tuple(range(nd)):
        x = ops.permute(x, perm)
    rows, cols = shape[ax1], shape[ax2]
    offset = int(offset)
    length = builtins.max(0, builtins.min(rows, cols - offset) if offset >= 0 else builtins.min(rows + offset, cols))
    k = np.arange(length)
    diag = ops.getitem(x, (Ellipsis, k - builtins.min(offset, 0), k + builtins.max(offset, 0)))
    return ops.sum(diag, -1, False)


# ---- extremes ignoring NaNs -------------------------------------------------------------


def _nan_extreme(name: str, reduce: Callable[..., Any], pick: Callable[..., Any], fill: float,
                 a: ArrayLike, axis: Axis, keepdims: bool, initial: ArrayLike | None,
                 where: ArrayLike) -> Any:
    xd = _data(a)
    if xd.dtype.kind not in "fc":
        return _wrap(getattr(np, name)(xd, axis=axis, keepdims=keepdims,
                                       **_given(initial=initial, where=where)))
    if where is not True and initial is None:
        raise ValueError(f"funcgrad.numpy.{name}: a where= mask needs initial= (a slice may be empty)")
    axis = _axis_arg(axis)
    mask = _kept_mask(xd, where, True)
    r = reduce(_fill(a, mask, fill), axis, keepdims)
    if initial is not None:
        return pick(r, initial)
    if mask is not None:
        empty = ~np.any(mask, axis=axis, keepdims=keepdims)
        if np.any(empty):
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
            r = ops.where(empty, np.nan, r)
    return r


def nanmax(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
           initial: ArrayLike | None = None, where: ArrayLike = True) -> Any:
    """Maximum over ``axis`` ignoring NaNs (NumPy's ``nanmax``); the gradient goes to the
    elements that attain it, shared equally at ties.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, float("nan"), 3.0, 3.0], requires_grad=True)
    >>> fnp.nanmax(x).backward()
    >>> x.grad
    tensor([0.0000, 0.0000, 0.5000, 0.5000])
    """
    _no_out(out, "nanmax")
    if not _any_tensor(a):
        return np.nanmax(a, axis=axis, keepdims=keepdims, **_given(initial=initial, where=where))
    return _nan_extreme("nanmax", ops.amax, ops.maximum, -np.inf, a, axis, keepdims, initial, where)


def nanmin(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
           initial: ArrayLike | None = None, where: ArrayLike = True) -> Any:
    """Minimum over ``axis`` ignoring NaNs (NumPy's ``nanmin``); ties share the gradient.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanmin(np.array([2.0, np.nan, 1.0])))
    1.0
    """
    _no_out(out, "nanmin")
    if not _any_tensor(a):
        return np.nanmin(a, axis=axis, keepdims=keepdims, **_given(initial=initial, where=where))
    return _nan_extreme("nanmin", ops.amin, ops.minimum, np.inf, a, axis, keepdims, initial, where)


def count_nonzero(a: ArrayLike, axis: Axis = None, *, keepdims: bool = False) -> Any:
    """The number of nonzero elements over ``axis`` (NumPy's ``count_nonzero``); an integer
    result, with no gradient.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> int(fnp.count_nonzero(np.array([0.0, 1.5, 0.0, 2.0])))
    2
    """
    if not _any_tensor(a):
        return np.count_nonzero(a, axis=axis, keepdims=keepdims)
    return _stats.count_nonzero(a, _axis_arg(axis), keepdims)


# ---- order statistics: median, percentile, quantile -------------------------------------
#
# Every NumPy method computes (1 - gamma) * s[j] + gamma * s[j + 1] from the sorted values s
# of a slice, where the position j and the weight gamma depend only on q and the slice's
# length n. So the derivative in the data is: the weights, given to the elements that sit
# at positions j and j + 1 of the sort. j + gamma is what the method gives for the sorted
# values 0, 1, ..., n - 1; NumPy itself computes it, so every method means what NumPy says.

_QuantileMethod: TypeAlias = Literal[
    "inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
    "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher",
    "midpoint", "nearest",
]
_METHODS = get_args(_QuantileMethod)
# The continuous methods' (alpha, beta): position n q + alpha + q (1 - alpha - beta) - 1,
# clipped to [0, n - 1]; its slope in q is n + 1 - alpha - beta. The other methods are
# piecewise constant in q (zero derivative in q).
_CONTINUOUS = {
    "linear": (1.0, 1.0), "interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5),
    "weibull": (0.0, 0.0), "median_unbiased": (1 / 3, 1 / 3), "normal_unbiased": (3 / 8, 3 / 8),
}


def _positions(qf: Array, counts: Array, method: _QuantileMethod) -> tuple[Array, Array, Array]:
    """Sort positions and interpolation weights, each (len(qf), len(counts))."""
    if method == "linear":  # NumPy's own formula, for every slice length at once
        v = qf[:, None] * np.maximum(counts - 1, 0)[None, :].astype(np.float64)
    else:
        v = np.zeros((qf.size, counts.size))
        for n in np.unique(counts):
            if n > 0:
                v[:, counts == n] = np.quantile(np.arange(n, dtype=np.float64), qf, method=method)[:, None]
    lo = np.floor(v).astype(np.intp)
    gamma = v - lo
    hi = np.minimum(lo + 1, np.maximum(counts - 1, 0))
    return lo, hi, gamma


def _weighted_positions(qf: Array, counts: Array, wd: Array, order: Array, skip_nan: bool,
                        nan: Array) -> tuple[Array, Array, Array]:
    """Sort positions for method='inverted_cdf' with weights (NumPy's definition)."""
    ws = np.take_along_axis(wd, order, axis=1)
    if skip_nan:
        ws = np.where(np.take_along_axis(nan, order, axis=1), 0, ws)
    cdf = np.cumsum(ws, axis=1, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf = cdf / cdf[:, -1:]
    if np.isnan(cdf[:, -1]).any():
        raise ValueError("Weights included NaN, inf or were all zero.")
    if np.any(cdf[:, 0] == 0):
        cdf[cdf == 0] = -1  # leading zero weights: q = 0 picks the first weighted element
    lo = np.sum(cdf[None, :, :] < qf[:, None, None], axis=-1)
    lo = np.minimum(lo, np.maximum(counts - 1, 0))
    return lo, lo, np.zeros(lo.shape)


def _quantile(name: str, a: ArrayLike, q: ArrayLike, axis: Axis, method: _QuantileMethod,
              keepdims: bool, weights: ArrayLike | None, skip_nan: bool, scale: float) -> Any:
    """The composite behind median, percentile and quantile (and their nan-versions)."""
    a = _arr(a)
    ad = _data(a)
    xp = _backend.namespace(ad)
    # q, the slice counts and the sort positions are small: worked out on the host; the
    # data, its sort order and the interpolation stay on its device.
    qd = np.asarray(_host(_data(q)))
    if method not in _METHODS:
        raise ValueError(f"{method!r} is not a valid method. Use one of: {_METHODS}")
    if ad.dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")
    if ad.dtype.kind not in "f":
        # no gradient can flow from integers: NumPy's own result, as a Tensor
        fn = {"median": np.median, "nanmedian": np.nanmedian}.get(name)
        if fn is not None:
            return _wrap(fn(ad, axis=axis, keepdims=keepdims))
        return _wrap(getattr(np, name)(ad, qd if xp is np else xp.asarray(qd), axis=axis, method=method, keepdims=keepdims,
                                       **_given(weights=None if weights is None else _data(weights))))
    q01 = qd.astype(np.float64) / scale
    if not (np.all(q01 >= 0) and np.all(q01 <= 1)):
        raise ValueError("Percentiles must be in the range [0, 100]" if scale == 100
                         else "Quantiles must be in the range [0, 1]")
    if weights is not None and method != "inverted_cdf":
        raise ValueError(f"Only method 'inverted_cdf' supports weights. Got: {method}.")
    given_axes = _axes_tuple(axis, ad.ndim, name)
    axes = tuple(sorted(given_axes))
    rest = tuple(i for i in range(ad.ndim) if i not in axes)
    perm = rest + axes
    rest_shape = tuple(ad.shape[i] for i in rest)
    n = _count(ad.shape, axes)
    slices = _count(ad.shape, rest)
    if n == 0:
        raise ValueError(f"funcgrad.numpy.{name}: cannot take a quantile of an empty slice")

    # The result's dtype, as NumPy's: a Python float q keeps float32 data float32.
    out_dtype = np.result_type(ad.dtype, q if isinstance(q, (int, float)) else qd)
    x = a if perm == tuple(range(ad.ndim)) else ops.permute(a, perm)
    x = ops.reshape(_cast(x, out_dtype), (slices, n))
    xd = _data(x)
    nan = np.isnan(xd)
    counts = _host(n - np.sum(nan, axis=1)) if skip_nan else np.full(slices, n)
    order = np.argsort(xd, axis=1, kind="stable")  # NaNs last
    qf = q01.reshape(-1)

    if weights is None:
        lo, hi, gamma = _positions(qf, counts, method)
    else:
        wd = np.asarray(_host(_data(weights)), dtype=np.float64)
        if wd.shape != ad.shape:
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if wd.shape != tuple(ad.shape[ax] for ax in given_axes):
                raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
            wd = wd.transpose(np.argsort(given_axes))
            wd = wd.reshape(tuple(s if i in axes else 1 for i, s in enumerate(ad.shape)))
            wd = np.broadcast_to(wd, ad.shape)
        if np.any(wd < 0):
            raise ValueError("Weights must be non-negative.")
        wd = np.transpose(wd, perm).reshape(slices, n)
        lo, hi, gamma = _weighted_positions(qf, counts, wd, _host(order), skip_nan, _host(nan))

    # Slices whose result is NaN: zeroed first, so that no NaN reaches any derivative.
    bad = counts == 0 if skip_nan else _host(np.any(nan, axis=1))
    if xp is not np:
        bad_here, gamma = xp.asarray(bad), xp.asarray(gamma)
    else:
        bad_here = bad
    if bad.any():
        x = ops.where(bad_here[:, None], 0, x)
    rows = np.arange(slices)[None, :]
    below = ops.getitem(x, (rows, order[rows, lo]))
    gamma = gamma.astype(out_dtype)
    q_moves = isinstance(q, Tensor) and method in _CONTINUOUS
    if q_moves:
        alpha, beta = _CONTINUOUS[method]
        slope = counts + 1 - alpha - beta
        at = q01.reshape(-1, 1) * slope + alpha - 1  # the unclipped positions
        slope = np.where((at >= 0) & (at <= counts - 1), slope / scale, 0).astype(out_dtype)
        if xp is not np:
            slope = xp.asarray(slope)
        qcol = ops.reshape(q, (qf.size, 1))
        gamma = ops.add(gamma, ops.mul(ops.sub(qcol, _data(qcol)), slope))
    if q_moves or np.any(gamma != 0):
        above = ops.getitem(x, (rows, order[rows, hi]))
        r = _lerp(below, above, gamma)
    else:
        r = below
    if bad.any():
        if skip_nan:
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
        r = ops.where(bad_here[None, :], np.nan, r)
    kept = tuple(1 if i in axes else s for i, s in enumerate(ad.shape)) if keepdims else rest_shape
    r = ops.reshape(r, qd.shape + kept)
    return r if isinstance(r, Tensor) else _wrap(r)  # a Tensor q or weights: a Tensor result


def _lerp(below: Any, above: Any, gamma: Any) -> Any:
    """below + (above - below) gamma, written as NumPy does (exact at gamma = 0 and 1)."""
    step = ops.sub(above, below)
    g = _data(gamma)
    upper = (g if _backend.is_cuda_array(g) else np.asarray(g)) >= 0.5
    near_below = ops.add(below, ops.mul(step, gamma))
    if not upper.any():
        return near_below
    near_above = ops.sub(above, ops.mul(step, ops.sub(1, gamma)))
    return ops.where(upper, near_above, near_below)


def quantile(a: ArrayLike, q: ArrayLike, axis: Axis = None, out: None = None,
             overwrite_input: bool = False, method: _QuantileMethod = "linear",
             keepdims: bool = False, *, weights: ArrayLike | None = None) -> Any:
    """The ``q``-th quantiles over ``axis`` (NumPy's ``quantile``, every ``method``).

    The gradient goes to the order statistics used, with the interpolation weights (ties:
    to the one the stable sort places there). For the continuous methods ('linear', 'hazen',
    'weibull', ...) the result is differentiable in a Tensor ``q`` too; the discrete ones
    ('lower', 'nearest', 'inverted_cdf', ...) are piecewise constant in ``q`` (derivative 0),
    as they are in ``weights``.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([4.0, 1.0, 3.0, 2.0], requires_grad=True)
    >>> fnp.quantile(x, 0.25).backward()
    >>> x.grad
    tensor([0.0000, 0.2500, 0.0000, 0.7500])
    """
    _no_out(out, "quantile")
    if not _any_tensor(a, q, weights):
        return np.quantile(a, q, axis=axis, method=method, keepdims=keepdims,
                           **_given(weights=weights))
    return _quantile("quantile", a, q, axis, method, keepdims, weights, False, 1)


def percentile(a: ArrayLike, q: ArrayLike, axis: Axis = None, out: None = None,
               overwrite_input: bool = False, method: _QuantileMethod = "linear",
               keepdims: bool = False, *, weights: ArrayLike | None = None) -> Any:
    """The ``q``-th percentiles over ``axis`` (NumPy's ``percentile``); see :func:`quantile`.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50))
    2.5
    """
    _no_out(out, "percentile")
    if not _any_tensor(a, q, weights):
        return np.percentile(a, q, axis=axis, method=method, keepdims=keepdims,
                             **_given(weights=weights))
    return _quantile("percentile", a, q, axis, method, keepdims, weights, False, 100)


def median(a: ArrayLike, axis: Axis = None, out: None = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    """Median over ``axis`` (NumPy's ``median``); the gradient goes to the middle element,
    or half to each of the two middle ones.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([3.0, 1.0, 4.0, 2.0], requires_grad=True)
    >>> fnp.median(x).backward()
    >>> x.grad
    tensor([0.5000, 0.0000, 0.0000, 0.5000])
    """
    _no_out(out, "median")
    if not _any_tensor(a):
        return np.median(a, axis=axis, keepdims=keepdims)
    return _quantile("median", a, 0.5, axis, "linear", keepdims, None, False, 1)


def nanquantile(a: ArrayLike, q: ArrayLike, axis: Axis = None, out: None = None,
                overwrite_input: bool = False, method: _QuantileMethod = "linear",
                keepdims: bool = False, *, weights: ArrayLike | None = None) -> Any:
    """Quantiles over ``axis`` ignoring NaNs (NumPy's ``nanquantile``); see :func:`quantile`.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanquantile(np.array([1.0, np.nan, 3.0]), 0.5))
    2.0
    """
    _no_out(out, "nanquantile")
    if not _any_tensor(a, q, weights):
        return np.nanquantile(a, q, axis=axis, method=method, keepdims=keepdims,
                              **_given(weights=weights))
    return _quantile("nanquantile", a, q, axis, method, keepdims, weights, True, 1)


def nanpercentile(a: ArrayLike, q: ArrayLike, axis: Axis = None, out: None = None,
                  overwrite_input: bool = False, method: _QuantileMethod = "linear",
                  keepdims: bool = False, *, weights: ArrayLike | None = None) -> Any:
    """Percentiles over ``axis`` ignoring NaNs (NumPy's ``nanpercentile``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanpercentile(np.array([1.0, np.nan, 3.0]), 100))
    3.0
    """
    _no_out(out, "nanpercentile")
    if not _any_tensor(a, q, weights):
        return np.nanpercentile(a, q, axis=axis, method=method, keepdims=keepdims,
                                **_given(weights=weights))
    return _quantile("nanpercentile", a, q, axis, method, keepdims, weights, True, 100)


def nanmedian(a: ArrayLike, axis: Axis = None, out: None = None, overwrite_input: bool = False,
              keepdims: bool = False) -> Any:
    """Median over ``axis`` ignoring NaNs (NumPy's ``nanmedian``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.nanmedian(np.array([1.0, np.nan, 3.0, 7.0])))
    3.0
    """
    _no_out(out, "nanmedian")
    if not _any_tensor(a):
        return np.nanmedian(a, axis=axis, keepdims=keepdims)
    return _quantile("nanmedian", a, 0.5, axis, "linear", keepdims, None, True, 1)


# NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}
# NumPy function -> funcgrad function (for __array_function__)
NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    getattr(np, name): globals()[name] for name in __all__ if hasattr(np, name)
}

"""Primitives for reductions and statistics: cumsum, cumprod, xlogy, xlog1py, count_nonzero.

The NumPy-level statistics (``funcgrad.numpy``: nansum, var, std, median, quantile, ...) and
SciPy's special functions (``funcgrad.scipy.special``) are composites of these and of the
primitives in :mod:`reduce`, :mod:`elementwise`, :mod:`index` and :mod:`nn`.

Scans take one axis; rules turn it into a negative axis, so a leading batch of cotangents
or tangents passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive
from .elementwise import _scale, add, div, mul, where
from .index import getitem
from .reduce import sum

if TYPE_CHECKING:
    from .._typing import Array, Axis, Shape


_AxisError = getattr(np, "exceptions", np).AxisError


def _neg_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise _AxisError(axis, ndim)
    return axis % ndim - ndim


def _flip(x: Any, ax: int) -> Any:
    """``x`` reversed along the negative axis ``ax`` (a view; indexing records)."""
    return getitem(x, (Ellipsis, slice(None, None, -1)) + (slice(None),) * (-ax - 1))


def _reverse_cumsum(x: Any, ax: int) -> Any:
    """Sums from each position to the end along ``ax``: the transpose of cumsum."""
    return _flip(cumsum(_flip(x, ax), ax), ax)


# ---- cumulative sum ---------------------------------------------------------------------


def _cumsum_forward(x: Array, axis: int) -> Array:
    return np.cumsum(x, axis=axis)


def _cumsum_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
                axis: int) -> tuple[Any]:
    return (_reverse_cumsum(g, _neg_axis(axis, len(x_shape))),)


def _cumsum_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: int) -> Any:
    return cumsum(t[0], _neg_axis(axis, np.ndim(_data(x))))


cumsum = defprimitive(
    "cumsum", _cumsum_forward, _cumsum_vjp, _cumsum_jvp, save="s",
    samples=[Sample((3, 4), params=(1,)), Sample((3, 4), params=(0,)),
             Sample((2, 3, 4), params=(-2,)), Sample((4,), params=(0,), dtype=np.complex128)],
)


# ---- cumulative product -----------------------------------------------------------------
#
# y_i = prod_{j <= i} x_j. Where no x is zero, dy_i/dx_k = y_i / x_k (k <= i). Zeros need
# care: per slice, let z be the first zero and x~ be x with x_z set to 1 (y~ = cumprod(x~)).
#   k < z: the usual formula is exact and divides only by nonzero entries;
#   k = z: dy_i/dx_z = y~_i (the product of the others);
#   k > z: every product holds x_z, so the derivative is x_z times that of cumprod at x~.
# Each case is an identity in a neighbourhood of x, so its derivatives are right too. The
# last case recurses once: one level below, its "after" part is (a second zero) times
# something, 0 in value and in first derivative, which is all second order needs.


def _first_zero_masks(xd: Array, ax: int) -> tuple[Array, Array] | None:
    """Per slice along ``ax``: (before the first zero, at the first zero), or None."""
    zero = xd == 0
    if not zero.any():
        return None
    seen = np.cumsum(zero, axis=ax)
    return seen == 0, zero & (seen == 1)


def _cumprod_grad(g: Any, x: Any, ans: Any, ax: int, depth: int) -> Any:
    masks = _first_zero_masks(_data(x), ax)
    if masks is None:
        return div(_reverse_cumsum(mul(g, ans), ax), x)
    before, at = masks
    grad_before = div(_reverse_cumsum(mul(g, ans), ax), where(before, x, 1))
    x_skip = where(at, 1, x)
    ans_skip = cumprod(x_skip, ax)
    grad_after = 0
    if depth == 0:
        x_zero = sum(where(at, x, 0), ax, True)
        grad_after = mul(x_zero, _cumprod_grad(g, x_skip, ans_skip, ax, 1))
    grad_at = _reverse_cumsum(mul(g, ans_skip), ax)
    return where(before, grad_before, where(at, grad_at, grad_after))


def _cumprod_tangent(t: Any, x: Any, ans: Any, ax: int, depth: int) -> Any:
    masks = _first_zero_masks(_data(x), ax)
    if masks is None:
        return mul(ans, cumsum(div(t, x), ax))
    before, at = masks
    part_before = mul(ans, cumsum(div(t, where(before, x, 1)), ax))
    x_skip = where(at, 1, x)
    ans_skip = cumprod(x_skip, ax)
    part_after = mul(ans_skip, sum(where(at, t, 0), ax, True))
    if depth == 0:
        x_zero = sum(where(at, x, 0), ax, True)
        rest = _cumprod_tangent(where(at, 0, t), x_skip, ans_skip, ax, 1)
        part_after = add(part_after, mul(x_zero, rest))
    return where(before, part_before, part_after)


def _cumprod_forward(x: Array, axis: int) -> Array:
    return np.cumprod(x, axis=axis)


def _cumprod_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: Any, axis: int) -> tuple[Any]:
    return (_cumprod_grad(g, x, ans, _neg_axis(axis, np.ndim(_data(x))), 0),)


def _cumprod_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: int) -> Any:
    return _cumprod_tangent(t[0], x, ans, _neg_axis(axis, np.ndim(_data(x))), 0)


def _one_zero(a: Array) -> Array:
    a = a.copy()
    a[..., 1] = 0
    return a


def _zeros_in_rows(a: Array) -> Array:
    # row 0: one zero; row 1: two zeros; row 2: none
    a = a.copy()
    a[0, 2] = 0
    a[1, 0] = a[1, 2] = 0
    return a


cumprod = defprimitive(
    "cumprod", _cumprod_forward, _cumprod_vjp, _cumprod_jvp, save="v", save_output=True,
    samples=[Sample((3, 4), params=(1,)), Sample((3, 4), params=(0,)),
             Sample((2, 3, 4), params=(-1,)), Sample((5,), params=(0,), make=_one_zero),
             Sample((3, 4), params=(1,), make=_zeros_in_rows),
             Sample((4, 3), params=(0,), make=_one_zero),
             Sample((4,), params=(0,), dtype=np.complex128)],
)


# ---- x log y and x log1p y (SciPy's conventions: 0 where x == 0, unless y is NaN) -------


def _xlog_forward(log_fn: Callable[[Array], Array]) -> Callable[[Array, Array], Array]:
    def forward(x: Array, y: Array) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = x * log_fn(y)
        # SciPy's convention: x log y is 0 where x is 0, whatever y (but NaN).
        return np.where(np.logical_and(np.equal(x, 0), np.logical_not(np.isnan(y))), 0, out)

    return forward


def _safe_over(x: Any, y: Any) -> Any:
    """``x / y`` with 0 where both are 0 (the derivative of x log y in y, NaN-free)."""
    both_zero = np.logical_and(np.equal(_data(x), 0), np.equal(_data(y), 0))
    return div(x, where(both_zero, 1, y)) if both_zero.any() else div(x, y)


def _xlogy_vjp(g: Any, needs: tuple[bool, ...], ans: None, x: Any, y: Any) -> tuple[Any, Any]:
    gx = xlogy(g, y) if needs[0] else None  # g log y, exactly 0 where g is 0
    gy = _scale(g, mul(g, _safe_over(x, y))) if needs[1] else None
    return (gx, gy)


def _xlogy_jvp(t: tuple[Any, ...], ans: Any, x: Any, y: Any) -> Any:
    out = None if t[0] is None else xlogy(t[0], y)
    if t[1] is not None:
        ty = mul(t[1], _safe_over(x, y))
        out = ty if out is None else add(out, ty)
    return out


_XLOG_SAMPLES = [Sample((3, 4), (3, 4), low=0.2, high=2.0),
                 Sample((2, 3, 1), (4,), low=0.2, high=2.0), Sample((), (3,), low=0.2, high=2.0)]

xlogy = defprimitive("xlogy", _xlog_forward(np.log), _xlogy_vjp, _xlogy_jvp, nin=2, save="vv",
                     broadcasts=True, samples=_XLOG_SAMPLES)


def _one_plus(y: Any) -> Any:
    return add(y, 1)


def _xlog1py_vjp(g: Any, needs: tuple[bool, ...], ans: None, x: Any,
                 y: Any) -> tuple[Any, Any]:
    gx = xlog1py(g, y) if needs[0] else None
    gy = _scale(g, mul(g, _safe_over(x, _one_plus(y)))) if needs[1] else None
    return (gx, gy)


def _xlog1py_jvp(t: tuple[Any, ...], ans: Any, x: Any, y: Any) -> Any:
    out = None if t[0] is None else xlog1py(t[0], y)
    if t[1] is not None:
        ty = mul(t[1], _safe_over(x, _one_plus(y)))
        out = ty if out is None else add(out, ty)
    return out


xlog1py = defprimitive("xlog1py", _xlog_forward(np.log1p), _xlog1py_vjp, _xlog1py_jvp, nin=2,
                       save="vv", broadcasts=True, samples=_XLOG_SAMPLES)


# ---- no gradient ------------------------------------------------------------------------


def _count_nonzero_forward(x: Array, axis: Axis = None, keepdims: bool = False) -> Array:
    return np.count_nonzero(x, axis=axis, keepdims=keepdims)


count_nonzero = defprimitive("count_nonzero", _count_nonzero_forward, differentiable=False)

"""Neural-network primitives: softmax, log_softmax, logsumexp (numerically stable)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive
from .elementwise import exp, mul, sub
from .reduce import _axes, reduction_jvp, reduction_vjp, sum
from .shape import reshape

if TYPE_CHECKING:
    from .._typing import Array, Axis


def _neg_axis(axis: int, ndim: int) -> int | None:
    if ndim == 0:
        return None
    if not -ndim <= axis < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {axis})"
        )
    return axis % ndim - ndim


def _softmax_forward(x: Array, axis: int) -> Array:
    if np.ndim(x) == 0:
        return np.ones_like(x)
    shifted = x - np.amax(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: None, axis: int) -> tuple[Any]:
    ax = _neg_axis(axis, np.ndim(_data(ans)))
    if ax is None:
        return (mul(g, 0),)
    ga = mul(g, ans)
    return (sub(ga, mul(ans, sum(ga, ax, True))),)


def _softmax_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: int) -> Any:
    ax = _neg_axis(axis, np.ndim(_data(ans)))
    if ax is None:
        return mul(t[0], 0)
    ta = mul(t[0], ans)
    return sub(ta, mul(ans, sum(ta, ax, True)))


softmax = defprimitive("softmax", _softmax_forward, _softmax_vjp, _softmax_jvp, save="-",
                       save_output=True,
                       samples=[Sample((3, 4), params=(1,)), Sample((3, 4), params=(0,)),
                                Sample((2, 3, 4), params=(-2,))])


def _log_softmax_forward(x: Array, axis: int) -> Array:
    if np.ndim(x) == 0:
        return np.zeros_like(x)
    shifted = x - np.amax(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _log_softmax_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: None,
                     axis: int) -> tuple[Any]:
    ax = _neg_axis(axis, np.ndim(_data(ans)))
    if ax is None:
        return (mul(g, 0),)
    return (sub(g, mul(exp(ans), sum(g, ax, True))),)


def _log_softmax_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: int) -> Any:
    ax = _neg_axis(axis, np.ndim(_data(ans)))
    if ax is None:
        return mul(t[0], 0)
    return sub(t[0], sum(mul(exp(ans), t[0]), ax, True))


log_softmax = defprimitive("log_softmax", _log_softmax_forward, _log_softmax_vjp,
                           _log_softmax_jvp, save="-", save_output=True,
                           samples=[Sample((3, 4), params=(1,)), Sample((2, 3, 4), params=(0,))])


def _logsumexp_forward(x: Array, axis: Axis, keepdims: bool) -> Array:
    if np.size(x) == 0:
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
    m = np.amax(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)  # all -inf slices stay -inf, not NaN
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _logsumexp_weights(x: Any, ans: Any, axis: Axis) -> Any:
    # softmax of x along axis: exp(x - logsumexp(x))
    xs = np.shape(_data(x))
    kept = tuple(1 if i - len(xs) in _axes(axis, len(xs)) else s for i, s in enumerate(xs))
    return exp(sub(x, reshape(ans, kept)))


def _logsumexp_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: Any, axis: Axis,
                   keepdims: bool) -> tuple[Any]:
    return reduction_vjp(g, x, axis, keepdims, _logsumexp_weights(x, ans, axis))


def _logsumexp_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: Axis, keepdims: bool) -> Any:
    return reduction_jvp(t, x, axis, keepdims, _logsumexp_weights(x, ans, axis))


logsumexp = defprimitive("logsumexp", _logsumexp_forward, _logsumexp_vjp, _logsumexp_jvp,
                         save="v", save_output=True,
                         samples=[Sample((3, 4), params=(1, False)), Sample((3, 4), params=((0, 1), True))])

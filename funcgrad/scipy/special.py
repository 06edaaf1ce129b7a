"""funcgrad.scipy.special: differentiable special functions with SciPy's signatures.

Given arrays they compute what SciPy computes (without needing SciPy); given a Tensor they
record, and differentiate in reverse and forward mode. SciPy's conventions hold, gradients
included: ``xlogy(0, y)`` is 0, and so is its derivative in ``y`` where ``x`` is 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..ops.special import erf as _erf
from ..ops.special import erfc as _erfc
from ..ops.stats import xlog1py as _xlog1py
from ..ops.stats import xlogy as _xlogy
from ..tensor import Tensor
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from .._typing import ArrayLike, Axis

__all__ = [
    "entr", "erf", "erfc", "expit", "kl_div", "log_softmax", "logit", "logsumexp", "rel_entr", "softmax",
    "xlog1py", "xlogy",
]


def _float(x: ArrayLike) -> Any:
    """``x`` as an array or Tensor of a floating dtype (integers become float64)."""
    if isinstance(x, Tensor):
        return x if x._data.dtype.kind in "fc" else ops.astype(x, np.float64)
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(np.float64)


def _out(r: Any) -> Any:
    # SciPy returns NumPy scalars for 0-d results.
    return r[()] if isinstance(r, np.ndarray) and r.ndim == 0 else r


def erf(z: ArrayLike) -> Any:
    """The error function, ``2/sqrt(pi) * integral from 0 to z of exp(-t**2) dt``.

    Its derivative ``2/sqrt(pi) exp(-z**2)`` is differentiable again. Computed by SciPy
    where it is installed, by the standard library's ``math.erf`` otherwise.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> from funcgrad.scipy.special import erf
    >>> erf(np.array([0.0, 1.0]))
    array([0.        , 0.84270079])
    >>> fg.grad(erf)(0.0)  # 2 / sqrt(pi)
    1.1283791670955126
    """
    return _out(_erf(_float(z)))


def erfc(x: ArrayLike) -> Any:
    """The complementary error function ``1 - erf(x)``, accurate where ``erf(x)`` is near 1.

    Examples
    --------
    >>> import numpy as np
    >>> from funcgrad.scipy.special import erfc
    >>> erfc(np.array([0.0, 10.0]))
    array([1.00000000e+00, 2.08848758e-45])
    """
    return _out(_erfc(_float(x)))


def expit(x: ArrayLike) -> Any:
    """The logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow.

    Examples
    --------
    >>> import funcgrad.scipy.special as fsp
    >>> float(fsp.expit(0.0))
    0.5
    """
    return _out(ops.sigmoid(_float(x)))


def logit(x: ArrayLike) -> Any:
    """The inverse of :func:`expit`: ``log(x / (1 - x))`` (-inf at 0, inf at 1).

    Examples
    --------
    >>> import funcgrad.scipy.special as fsp
    >>> float(fsp.logit(0.5))
    0.0
    """
    x = _float(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(ops.sub(ops.log(x), ops.log(ops.sub(1, x))))


def xlogy(x: ArrayLike, y: ArrayLike) -> Any:
    """``x * log(y)``, and 0 where ``x`` is 0 (unless ``y`` is NaN), as SciPy's ``xlogy``.

    Its derivative in ``y`` is ``x / y``, taken as 0 where ``x`` and ``y`` are both 0.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.scipy.special as fsp
    >>> p = fg.tensor([0.0, 0.5], requires_grad=True)
    >>> fsp.xlogy(0.0, p).sum().backward()
    >>> p.grad
    tensor([0., 0.])
    """
    return _out(_xlogy(_float(x), _float(y)))


def xlog1py(x: ArrayLike, y: ArrayLike) -> Any:
    """``x * log1p(y)``, and 0 where ``x`` is 0 (unless ``y`` is NaN), as SciPy's ``xlog1py``.

    Examples
    --------
    >>> import funcgrad.scipy.special as fsp
    >>> float(fsp.xlog1py(0.0, -1.0))
    0.0
    """
    return _out(_xlog1py(_float(x), _float(y)))


def entr(x: ArrayLike) -> Any:
    """Elementwise entropy ``-x log x`` (0 at 0, -inf for negative ``x``), as SciPy's ``entr``.

    Examples
    --------
    >>> import numpy as np, funcgrad.scipy.special as fsp
    >>> fsp.entr(np.array([0.0, 1.0, -1.0]))
    array([ 0., -0., -inf])
    """
    x = _float(x)
    negative = np.less(_data(x), 0)
    r = _xlogy(ops.neg(x), x)
    return _out(ops.where(negative, -np.inf, r) if negative.any() else r)


def rel_entr(x: ArrayLike, y: ArrayLike) -> Any:
    """Elementwise relative entropy ``x log(x / y)`` (SciPy's ``rel_entr``): 0 where ``x``
    is 0 and ``y >= 0``, inf where ``x`` or ``y`` is negative or ``y`` is 0 < ``x``.

    Examples
    --------
    >>> import numpy as np, funcgrad.scipy.special as fsp
    >>> fsp.rel_entr(np.array([0.0, 1.0]), np.array([1.0, 1.0]))
    array([0., 0.])
    """
    x, y = _float(x), _float(y)
    xd, yd = np.asarray(_data(x)), np.asarray(_data(y))
    invalid = np.less(xd, 0) | np.less(yd, 0)
    both = np.broadcast_shapes(xd.shape, yd.shape)
    if invalid.any():
        # keep the branch not taken finite: its cotangent is 0 and must stay so
        x = ops.where(invalid, 1, x)
        y = ops.where(invalid, 1, y)
    r = ops.sub(_xlogy(x, x), _xlogy(x, y))
    if invalid.any():
        r = ops.where(np.broadcast_to(invalid, both), np.inf, r)
    return _out(r)


def kl_div(x: ArrayLike, y: ArrayLike) -> Any:
    """``x log(x / y) - x + y`` for positive ``x``, ``y`` (SciPy's ``kl_div``); ``y`` where
    ``x`` is 0 and ``y >= 0``; inf otherwise.

    Examples
    --------
    >>> import numpy as np, funcgrad.scipy.special as fsp
    >>> fsp.kl_div(np.array([1.0, 0.0]), np.array([1.0, 2.0]))
    array([0., 2.])
    """
    x, y = _float(x), _float(y)
    r = rel_entr(x, y)
    return _out(ops.add(ops.sub(r, x), y))


def _axis_arg(axis: Axis | list[int]) -> Axis:
    return tuple(axis) if isinstance(axis, list) else axis


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably (SciPy's ``logsumexp``).

    With ``b`` (broadcast against ``a``; may be zero or negative) the result is
    differentiable in ``b`` too. A negative sum gives NaN, unless ``return_sign=True``, which
    returns ``(log|sum|, sign(sum))`` (the sign has no gradient).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.scipy.special as fsp
    >>> x = fg.tensor([0.0, 0.0], requires_grad=True)
    >>> fsp.logsumexp(x).backward()
    >>> x.grad
    tensor([0.5000, 0.5000])
    """
    a = _float(a)
    axis = _axis_arg(axis)
    if b is None:
        r = ops.logsumexp(a, axis, keepdims)
        if not return_sign:
            return _out(r)
        rd = np.asarray(_data(r))
        return _out(r), _out(np.where(np.isneginf(rd), 0.0, np.where(np.isnan(rd), np.nan, 1.0)))
    b = _float(b)
    ad, bd = np.asarray(_data(a)), np.asarray(_data(b))
    if np.all(bd > 0) and not return_sign:
        # all weights positive: log b is finite, and the primitive does the rest
        return _out(ops.logsumexp(ops.add(a, ops.log(b)), axis, keepdims))
    # Shift by the largest a among the nonzero weights, a constant: the result does not
    # depend on it, only its rounding does.
    shape = np.broadcast_shapes(ad.shape, bd.shape)
    ad_b = np.broadcast_to(ad, shape)
    masked = np.where(np.broadcast_to(bd, shape) != 0, ad_b, -np.inf)
    with np.errstate(invalid="ignore"):
        shift = np.amax(masked, axis=axis, keepdims=True) if masked.size else np.zeros((1,) * len(shape))
    shift = np.where(np.isfinite(shift), shift, 0)
    total = ops.sum(ops.mul(b, ops.exp(ops.sub(a, shift))), axis, True)
    td = np.asarray(_data(total))
    sign = np.sign(td)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = ops.add(ops.log(ops.abs(total)), shift)
    if not keepdims and len(shape):
        r = ops.squeeze(r, axis)  # the reduced axes, all of size 1
        sign = np.squeeze(sign, axis=axis)
    if return_sign:
        return _out(r), _out(np.asarray(sign))
    negative = np.asarray(sign) < 0
    if negative.any():
        r = ops.where(negative, np.nan, r)
    return _out(r)


def _softmax_axis(x: Any, axis: Axis | list[int]) -> Any:
    """Softmax over all elements (axis=None) or several axes, via logsumexp."""
    return ops.sub(x, ops.logsumexp(x, _axis_arg(axis), True))


def log_softmax(x: ArrayLike, axis: Axis = None) -> Any:
    """``x - logsumexp(x, axis, keepdims=True)`` (SciPy's ``log_softmax``; all elements by
    default).

    Examples
    --------
    >>> import numpy as np, funcgrad.scipy.special as fsp
    >>> fsp.log_softmax(np.array([0.0, 0.0]))
    array([-0.69314718, -0.69314718])
    """
    x = _float(x)
    if isinstance(axis, (int, np.integer)):
        return _out(ops.log_softmax(x, int(axis)))
    return _out(_softmax_axis(x, axis))


def softmax(x: ArrayLike, axis: Axis = None) -> Any:
    """``exp(x) / sum(exp(x), axis)`` (SciPy's ``softmax``; all elements by default).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.scipy.special as fsp
    >>> fsp.softmax(fg.tensor([0.0, 0.0, 0.0]))
    tensor([0.3333, 0.3333, 0.3333])
    """
    x = _float(x)
    if isinstance(axis, (int, np.integer)):
        return _out(ops.softmax(x, int(axis)))
    return _out(ops.exp(_softmax_axis(x, axis)))

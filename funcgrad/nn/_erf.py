"""The error function as a differentiable elementwise operation (for the exact GELU).

funcgrad has no ``erf`` of its own and NumPy has none either, so this module declares one
(unregistered: it belongs to ``funcgrad.nn`` until ``funcgrad.scipy.special`` has one).
Its forward uses SciPy's ``erf`` where SciPy is installed (a fast ufunc) and the standard
library's ``math.erf`` elementwise otherwise; both are correctly rounded to within an ulp
or so. The derivative ``2 / sqrt(pi) * exp(-x**2)`` is written with funcgrad's primitives,
so derivatives of any order, forward and reverse, come from it.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from typing import Any, Callable

import numpy as np

from .. import ops
from .._typing import Array
from ..backend import namespace
from ..ops import Primitive, Sample, defprimitive

__all__ = ["erf"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _python_erf(x: Array) -> Array:
    """``math.erf`` over an array (the fallback when SciPy is absent)."""
    out = np.frompyfunc(math.erf, 1, 1)(x)
    return np.asarray(out, dtype=x.dtype)


def _pick_kernel() -> Callable[[Array], Array]:
    try:
        special = importlib.import_module("scipy.special")
    except ImportError:  # SciPy is optional: the standard library computes the same values
        return _python_erf
    kernel: Callable[[Array], Array] = special.erf
    return kernel


_kernel: Callable[[Array], Array] | None = None  # chosen at the first call: SciPy imports slowly


def _erf_forward(x: Array) -> Array:
    global _kernel
    xp = namespace(x)
    if xp is not np:  # CuPy: its own ufunc
        import cupyx.scipy.special  # type: ignore[import-not-found, unused-ignore]

        return cupyx.scipy.special.erf(x)
    x = np.asarray(x)
    if x.dtype.kind not in "f":
        x = x.astype(np.float64)
    if _kernel is None:
        _kernel = _pick_kernel()
    out = _kernel(x)
    # SciPy computes float16 in float32; keep the input's dtype, as every primitive does.
    return out.astype(x.dtype, copy=False) if out.dtype != x.dtype else out


def _derivative(x: Any) -> Any:
    return ops.mul(ops.exp(ops.neg(ops.mul(x, x))), _TWO_OVER_SQRT_PI)


def _erf_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any]:
    return (ops.mul(g, _derivative(x)),)


def _erf_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return ops.mul(t[0], _derivative(x))


erf: Primitive = defprimitive(
    "erf", _erf_forward, _erf_vjp, _erf_jvp, save="v", register=False,
    samples=[Sample((3, 4)), Sample((5,), low=-4.0, high=4.0)],
)
erf.__doc__ = """The error function ``2 / sqrt(pi) * integral_0^x exp(-t**2) dt``, elementwise.

Given arrays it returns an array; given a Tensor it records (``ErfBackward0``), and its
derivative ``2 / sqrt(pi) * exp(-x**2)`` is differentiable again.

Examples
--------
>>> import numpy as np, funcgrad as fg
>>> from funcgrad.nn._erf import erf
>>> erf(np.array([0.0, 1.0]))
array([0.        , 0.84270079])
>>> x = fg.tensor([0.0], requires_grad=True)
>>> erf(x).sum().backward()
>>> x.grad  # 2 / sqrt(pi)
tensor([1.1284])
"""

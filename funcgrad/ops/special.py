"""Special functions as primitives: the error function and its complement.

NumPy has no ``erf``. The forward uses SciPy's ufuncs where SciPy is installed (fast) and
the standard library's ``math.erf``/``math.erfc`` elementwise otherwise (the same values
to within an ulp or so); CuPy arrays go to ``cupyx.scipy.special``. The derivatives,
``±2/sqrt(pi) exp(-x²)``, are written with funcgrad's primitives, so every order works in
both modes.
"""

from __future__ import annotations

import importlib
import math
from typing import Any, Callable

import numpy as np

from .._typing import Array
from .. import backend
from ..backend import namespace
from ._primitive import Primitive, Sample
from .elementwise import _diagonal, exp, mul, neg

__all__ = ["erf", "erfc"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SAMPLES = [Sample((3, 4), low=-2.5, high=2.5), Sample(())]
# Chosen at the first call (SciPy imports slowly): name -> kernel over float arrays.
_kernels: dict[str, Callable[[Array], Array]] = {}


def _kernel(name: str) -> Callable[[Array], Array]:
    kernel = _kernels.get(name)
    if kernel is None:
        try:
            kernel = getattr(importlib.import_module("scipy.special"), name)
        except ImportError:  # SciPy is optional: the standard library gives the same values
            kernel = _elementwise(getattr(math, name))
        _kernels[name] = kernel
    return kernel


def _elementwise(scalar_fn: Callable[[float], float]) -> Callable[[Array], Array]:
    ufunc = np.frompyfunc(scalar_fn, 1, 1)

    def apply(x: Array) -> Array:
        return np.asarray(ufunc(x), dtype=x.dtype)

    return apply


def _forward(name: str) -> Callable[[Array], Array]:
    def forward(x: Array) -> Array:
        if namespace(x) is not np:
            return getattr(backend.cupyx_module("scipy.special"), name)(x)
        if x.dtype.kind != "f":
            x = np.asarray(x, dtype=np.float64)
        out = _kernel(name)(x)
        # SciPy computes float16 in float32: keep the input's dtype, as every primitive does.
        return out.astype(x.dtype, copy=False) if out.dtype != x.dtype else out

    forward.__name__ = forward.__qualname__ = f"_{name}_forward"
    return forward


def _gaussian(x: Any) -> Any:
    return mul(exp(neg(mul(x, x))), _TWO_OVER_SQRT_PI)


def _neg_gaussian(x: Any) -> Any:
    return mul(exp(neg(mul(x, x))), -_TWO_OVER_SQRT_PI)


erf: Primitive = _diagonal("erf", _forward("erf"), _gaussian, of_output=False, samples=_SAMPLES)
erfc: Primitive = _diagonal("erfc", _forward("erfc"), _neg_gaussian, of_output=False, samples=_SAMPLES)

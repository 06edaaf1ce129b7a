"""NumPy's names over funcgrad's primitives.

Given raw arrays these return what NumPy (or CuPy) returns; given a Tensor among their
arguments they return a Tensor and record. Write ``import funcgrad.numpy as np`` at the top
of NumPy code to differentiate it with any transform.

Examples
--------
>>> import funcgrad as fg
>>> import funcgrad.numpy as fnp
>>> x = fg.tensor([0.0, 1.0], requires_grad=True)
>>> fnp.sum(fnp.exp(x)).backward()
>>> x.grad
tensor([1.0000, 2.7183])
"""

from __future__ import annotations

from numpy import (  # noqa: F401  (constants and dtypes, as NumPy spells them)
    bool_, complex64, complex128, e, euler_gamma, float16, float32, float64, inf, int8, int16,
    int32, int64, nan, newaxis, pi, uint8,
)

from . import _api, _indexing, _products, _shape, _stats, _ufuncs, fft, linalg, random
from ._api import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._products import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._stats import *  # noqa: F401,F403
from ._ufuncs import *  # noqa: F401,F403

# The public names: NumPy's constants and dtypes, the submodules, and each family's own.
__all__ = [
    "bool_", "complex64", "complex128", "e", "euler_gamma", "float16", "float32", "float64",
    "inf", "int8", "int16", "int32", "int64", "nan", "newaxis", "pi", "uint8",
    "fft", "linalg", "random",
]
__all__ += _api.__all__
__all__ += _indexing.__all__
__all__ += _products.__all__
__all__ += _shape.__all__
__all__ += _stats.__all__
__all__ += _ufuncs.__all__

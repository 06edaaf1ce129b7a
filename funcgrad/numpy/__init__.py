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

from . import fft, linalg, random  # noqa: F401
from ._api import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._products import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._stats import *  # noqa: F401,F403
from ._ufuncs import *  # noqa: F401,F403

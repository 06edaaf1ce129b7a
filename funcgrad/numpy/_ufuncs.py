"""Elementwise math (NumPy's ufuncs): trigonometric, hyperbolic, exponential and logarithmic
functions, powers, rounding, two-argument functions, complex parts."""

from __future__ import annotations

import numpy as np

from .. import ops

__all__: list = []
NUMPY_UFUNCS: dict = {}  # NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_FUNCTIONS: dict = {}  # NumPy function -> funcgrad function (for __array_function__)

"""Products with NumPy's semantics: dot, vdot, inner, outer, tensordot, einsum, kron, cross."""

from __future__ import annotations

import numpy as np

from .. import ops

__all__: list = []
NUMPY_UFUNCS: dict = {}  # NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_FUNCTIONS: dict = {}  # NumPy function -> funcgrad function (for __array_function__)

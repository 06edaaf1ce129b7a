"""funcgrad.numpy.linalg: NumPy's linear algebra (inv, pinv, det, slogdet, solve, cholesky, qr,
eigh, eigvalsh, svd, norm, matrix_power, lstsq), differentiable."""

from __future__ import annotations

import numpy as np

from .. import ops

__all__: list = []
NUMPY_UFUNCS: dict = {}  # NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_FUNCTIONS: dict = {}  # NumPy function -> funcgrad function (for __array_function__)

"""funcgrad.numpy.fft: NumPy's discrete Fourier transforms (fft, ifft, rfft, irfft, fft2, fftn and
inverses), differentiable."""

from __future__ import annotations

import numpy as np

from .. import ops

__all__: list = []
NUMPY_UFUNCS: dict = {}  # NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_FUNCTIONS: dict = {}  # NumPy function -> funcgrad function (for __array_function__)

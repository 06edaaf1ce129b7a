"""Primitives: NumPy's discrete Fourier transforms (fft, ifft, rfft, irfft, fft2, fftn and"""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401

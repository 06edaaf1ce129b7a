"""Primitives: NumPy's linear algebra (inv, pinv, det, slogdet, solve, cholesky, qr,"""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401

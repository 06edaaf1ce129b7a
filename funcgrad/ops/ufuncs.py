"""Primitives: Elementwise math (NumPy's ufuncs): trigonometric, hyperbolic, exponential and logarithmic"""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401

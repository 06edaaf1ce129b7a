"""Primitives: Products with NumPy's semantics: dot, vdot, inner, outer, tensordot, einsum, kron, cross."""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401

"""funcgrad.scipy.special: differentiable special functions with SciPy's signatures."""

from __future__ import annotations

__all__: list = []

"""Primitives: Reductions and statistics with NumPy's signatures: nansum, nanmean, var, std, cumsum,"""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401

"""Primitives: Shape manipulation and joining: ravel, moveaxis, hstack, vstack, split, tile, repeat, pad,"""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401

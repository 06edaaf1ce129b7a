"""Shape manipulation and joining: ravel, moveaxis, hstack, vstack, split, tile, repeat, pad,
flip, roll, rot90, diag, diagonal, triu, tril, atleast_nd, meshgrid, ..."""

from __future__ import annotations

import numpy as np

from .. import ops

__all__: list = []
NUMPY_UFUNCS: dict = {}  # NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_FUNCTIONS: dict = {}  # NumPy function -> funcgrad function (for __array_function__)

"""NumPy's names over funcgrad's primitives.

Given raw arrays these return what NumPy returns; given a Tensor among their arguments they
return a Tensor and record. The full NumPy API arrives with the funcgrad.numpy issue; this
module already covers the primitives the Tensor facade is built on.

Examples
--------
>>> import funcgrad as fg
>>> import funcgrad.numpy as fnp
>>> x = fg.tensor([0.0, 1.0], requires_grad=True)
>>> fnp.sum(fnp.exp(x)).backward()
>>> x.grad
tensor([1.0000, 2.7183])
"""

from __future__ import annotations

from numpy import e, inf, nan, newaxis, pi  # noqa: F401  (constants, as NumPy spells them)

from .. import ops as _ops
from ..ops import (  # noqa: F401  (same names as NumPy's)
    abs, add, ceil, clone as copy, cos, equal, exp, floor, greater, greater_equal, isfinite,
    isinf, isnan, less, less_equal, log, logical_and, logical_not, logical_or, logical_xor,
    matmul, maximum, minimum, not_equal, sign, sin, sqrt, tan, tanh, trunc, where,
)
from ._api import (  # noqa: F401
    absolute, amax, amin, broadcast_to, clip, concatenate, divide, dot, expand_dims, max,
    mean, min, multiply, negative, power, prod, reshape, round, squeeze, stack, subtract, sum,
    swapaxes, transpose, true_divide,
)

del _ops

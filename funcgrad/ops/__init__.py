"""funcgrad's primitives, one family per module, and the registry that lists them all.

Each primitive is declared once (forward, VJP rule, JVP rule, sample inputs) with
:func:`~funcgrad.ops._primitive.defprimitive`; ``REGISTRY`` maps names to primitives and is
what the test suite iterates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._primitive import REGISTRY, Const, Primitive, Sample, defprimitive
from .elementwise import (
    abs, add, alias, astype, ceil, clamp, clone, copy_from, cos, div, equal, exp, fill, floor,
    floor_divide, greater, greater_equal, isfinite, isinf, isnan, less, less_equal, log,
    logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mul, neg, not_equal,
    pow, relu, remainder, round, sigmoid, sign, sin, sqrt, sub, tan, tanh, trunc, where,
)
from .shape import cat, flatten, permute, reshape, shape_arg, squeeze, stack, swapaxes, t, transpose, unsqueeze, view
from .index import getitem, getitem_transpose, index_put, normalize_key
from .reduce import (
    all, amax, amin, any, argmax, argmin, broadcast_to, expand, max_with_indices, mean, norm,
    prod, sum, sum_to_shape, var, vector_norm,
)
from .linalg import dot, matmul, mm
from .nn import log_softmax, logsumexp, softmax
from .device import to_device

# The NumPy-coverage families: each declares its primitives on import.
from . import decompositions, fft, joining, products, sorting, special, stats, ufuncs  # noqa: E402,F401
from .stats import cumprod, cumsum  # noqa: E402
from .ufuncs import angle, conj, imag, real  # noqa: E402

if TYPE_CHECKING:
    import numpy as np


# Explicit, so that the names imported above count as this package's own (mypy --strict).
__all__ = [
    'REGISTRY', 'Const', 'Primitive', 'Sample', 'defprimitive', 'abs', 'add', 'alias',
    'astype', 'ceil', 'clamp', 'clone', 'copy_from', 'cos', 'div', 'equal', 'exp', 'fill',
    'floor', 'floor_divide', 'greater', 'greater_equal', 'isfinite', 'isinf', 'isnan', 'less',
    'less_equal', 'log', 'logical_and', 'logical_not', 'logical_or', 'logical_xor', 'maximum',
    'minimum', 'mul', 'neg', 'not_equal', 'pow', 'relu', 'remainder', 'round', 'sigmoid',
    'sign', 'sin', 'sqrt', 'sub', 'tan', 'tanh', 'trunc', 'where', 'cat', 'flatten', 'permute',
    'reshape', 'shape_arg', 'squeeze', 'stack', 'swapaxes', 't', 'transpose', 'unsqueeze',
    'view', 'getitem', 'getitem_transpose', 'index_put', 'normalize_key', 'all', 'amax',
    'amin', 'any', 'argmax', 'argmin', 'broadcast_to', 'expand', 'max_with_indices', 'mean',
    'norm', 'prod', 'sum', 'sum_to_shape', 'var', 'vector_norm', 'dot', 'matmul', 'mm',
    'log_softmax', 'logsumexp', 'softmax', 'decompositions', 'fft', 'joining', 'products',
    'sorting', 'special', 'stats', 'ufuncs', 'cumprod', 'cumsum', 'angle', 'conj', 'imag', 'real',
    'to_device', 'array_ufunc', 'array_function',
]


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...],
                kwargs: dict[str, Any]) -> Any:
    # funcgrad.numpy imports ops, so its dispatch tables are looked up at the first call.
    global array_ufunc
    from ..numpy._dispatch import array_ufunc

    return array_ufunc(ufunc, method, inputs, kwargs)


def array_function(func: Callable[..., Any], args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> Any:
    global array_function
    from ..numpy._dispatch import array_function

    return array_function(func, args, kwargs)

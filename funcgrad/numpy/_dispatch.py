"""NumPy's protocols: ``np.add(array, tensor)`` or ``np.sum(tensor)`` record on the tape.

A ufunc or function that funcgrad does not cover raises a TypeError naming it, rather than
silently converting the Tensor to an array and losing its gradient.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from . import _api

UFUNCS = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.negative: ops.neg, np.power: ops.pow, np.exp: ops.exp, np.log: ops.log,
    np.sin: ops.sin, np.cos: ops.cos, np.tan: ops.tan, np.tanh: ops.tanh, np.sqrt: ops.sqrt,
    np.absolute: ops.abs, np.sign: ops.sign, np.floor: ops.floor, np.ceil: ops.ceil,
    np.rint: ops.round, np.trunc: ops.trunc, np.maximum: ops.maximum, np.minimum: ops.minimum,
    np.matmul: ops.matmul, np.remainder: ops.remainder, np.floor_divide: ops.floor_divide,
    np.equal: ops.equal, np.not_equal: ops.not_equal, np.less: ops.less,
    np.less_equal: ops.less_equal, np.greater: ops.greater, np.greater_equal: ops.greater_equal,
    np.logical_and: ops.logical_and, np.logical_or: ops.logical_or,
    np.logical_xor: ops.logical_xor, np.logical_not: ops.logical_not, np.isnan: ops.isnan,
    np.isfinite: ops.isfinite, np.isinf: ops.isinf,
}

FUNCTIONS = {
    np.sum: _api.sum, np.mean: _api.mean, np.prod: _api.prod, np.amax: _api.amax,
    np.max: _api.amax, np.amin: _api.amin, np.min: _api.amin, np.clip: _api.clip,
    np.reshape: _api.reshape, np.transpose: _api.transpose, np.squeeze: _api.squeeze,
    np.expand_dims: _api.expand_dims, np.broadcast_to: _api.broadcast_to,
    np.stack: _api.stack, np.concatenate: _api.concatenate, np.where: ops.where,
    np.dot: ops.matmul, np.swapaxes: ops.swapaxes, np.round: _api.round,
    np.shape: lambda a: tuple(a.shape), np.ndim: lambda a: a.ndim, np.size: lambda a, axis=None: a.numel() if axis is None else a.shape[axis],
}


def array_ufunc(ufunc, method, inputs, kwargs):
    if method != "__call__" or kwargs.get("out") is not None:
        raise TypeError(
            f"funcgrad: numpy.{ufunc.__name__}.{method} with out= or a method other than "
            f"__call__ is not differentiable; call it on arrays (tensor.detach().numpy())"
        )
    fn = UFUNCS.get(ufunc)
    if fn is None:
        raise TypeError(
            f"funcgrad: numpy.{ufunc.__name__} is not covered for Tensors yet, so its gradient "
            f"cannot be recorded; call it on tensor.detach().numpy() if no gradient is needed"
        )
    extra = {k: v for k, v in kwargs.items() if k not in ("dtype", "casting")}
    if extra:
        raise TypeError(f"funcgrad: numpy.{ufunc.__name__} on Tensors takes no {sorted(extra)}")
    out = fn(*inputs)
    if kwargs.get("dtype") is not None:
        out = ops.astype(out, kwargs["dtype"])
    return out


def array_function(func, args, kwargs):
    fn = FUNCTIONS.get(func)
    if fn is None:
        name = getattr(func, "__name__", repr(func))
        raise TypeError(
            f"funcgrad: numpy.{name} is not covered for Tensors yet, so its gradient cannot be "
            f"recorded; call it on tensor.detach().numpy() if no gradient is needed"
        )
    return fn(*args, **kwargs)

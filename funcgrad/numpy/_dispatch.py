"""NumPy's protocols: ``np.add(array, tensor)`` or ``np.sum(tensor)`` record on the tape.

A ufunc or function that funcgrad does not cover raises a TypeError naming it, rather than
silently converting the Tensor to an array and losing its gradient.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import ops

from . import _api, _indexing, _products, _shape, _stats, _ufuncs, fft, linalg

# Each family module lists the NumPy callables it stands in for.
FAMILIES = (_api, _ufuncs, _stats, _products, _shape, _indexing, linalg, fft)
UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}
FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}
for _family in FAMILIES:
    UFUNCS.update(_family.NUMPY_UFUNCS)
    FUNCTIONS.update(_family.NUMPY_FUNCTIONS)


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...],
                kwargs: dict[str, Any]) -> Any:
    if not kwargs and method == "__call__":  # the operators (array @ tensor): no checks due
        fn = UFUNCS.get(ufunc)
        if fn is not None:
            return fn(*inputs)
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


def array_function(func: Callable[..., Any], args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> Any:
    fn = FUNCTIONS.get(func)
    if fn is None:
        name = getattr(func, "__name__", repr(func))
        raise TypeError(
            f"funcgrad: numpy.{name} is not covered for Tensors yet, so its gradient cannot be "
            f"recorded; call it on tensor.detach().numpy() if no gradient is needed"
        )
    return fn(*args, **kwargs)

"""PyTorch's ``torch.nn.functional`` over funcgrad: activations, losses and layers.

Import it as PyTorch users do::

    import funcgrad.nn.functional as F

Every function has PyTorch's signature, defaults, reduction semantics and error messages.
Each is a composite of funcgrad's differentiable operations, so it records on the tape
(``loss.backward()``), runs inside every transform (``fg.grad``, ``fg.jacfwd``,
``fg.hessian``, ...) and differentiates to any order. As with ``funcgrad.numpy``, a
Tensor among the inputs gives a Tensor; arrays alone give NumPy arrays (or NumPy
scalars for reduced losses). Floating dtypes are kept: float32 in, float32 out.

The numerically delicate ones use stable forms: ``softplus``, ``logsigmoid`` and
``binary_cross_entropy_with_logits`` go through ``logaddexp`` (no overflow for large
logits), ``cross_entropy`` through ``log_softmax``.

Examples
--------
>>> import numpy as np, funcgrad as fg
>>> import funcgrad.nn.functional as F
>>> logits = fg.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], requires_grad=True)
>>> loss = F.cross_entropy(logits, fg.tensor([0, 2]))
>>> loss
tensor(0.1755, grad_fn=<DivBackward0>)
>>> loss.backward()
>>> logits.grad
tensor([[-0.1072,  0.0876,  0.0196],
        [ 0.0247,  0.0272, -0.0519]])

The same loss as a function of arrays, for the transforms:

>>> X = np.array([[1.0, 2.0], [3.0, -1.0]])
>>> y = np.array([1, 0])
>>> fg.grad(lambda w: F.cross_entropy(X @ w, y))(np.zeros((2, 2)))
array([[-0.5 ,  0.5 ],
       [ 0.75, -0.75]])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, Union

import numpy as np
from typing_extensions import TypeAlias

from .. import backend, ops
from .._typing import Array, ArrayLike, DTypeLike
from ..autograd import grad_mode
from ..creation import default_generator
from ..ops.stats import xlogy
from ..ops.ufuncs import expm1, log1p, logaddexp
from ..tensor import Size, Tensor, _short_type, _unwrap
from ..ops.special import erf

__all__ = [
    # activations
    "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "sigmoid", "tanh", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid", "softsign",
    "softmax", "log_softmax",
    # losses
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "gaussian_nll_loss",
    # layers and utilities
    "linear", "dropout", "one_hot", "normalize", "pad",
]

#: What the functions take: a Tensor, or anything NumPy takes as an array.
TensorLike: TypeAlias = Union[Tensor, ArrayLike]
#: What they return: a Tensor when any input is one, else a NumPy array or scalar.
Result: TypeAlias = Union[Tensor, Array]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2.0 / math.pi)


# ---- helpers ------------------------------------------------------------------------------


def _arg(x: TensorLike) -> Any:
    """A Tensor or array as is; anything else (lists, numbers) as a NumPy array."""
    if isinstance(x, (Tensor, np.ndarray)) or hasattr(x, "__cuda_array_interface__"):
        return x
    return np.asarray(x)


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(_unwrap(x)))


def _dtype(x: Any) -> np.dtype[Any]:
    dtype: np.dtype[Any] = np.dtype(_unwrap(x).dtype)
    return dtype


def _is_float(x: Any) -> bool:
    return _dtype(x).kind == "f"


def _require_float(x: Any, name: str) -> None:
    """PyTorch's refusal of integer inputs to the functions that compute in floating point."""
    if not _is_float(x):
        raise NotImplementedError(f'"{name}" not implemented for \'{_short_type(_dtype(x))}\'')


def _to_float(x: Any) -> Any:
    """Integer and boolean inputs in the default float dtype (as ``torch.sigmoid`` does)."""
    return x if _dtype(x).kind in "fc" else ops.astype(x, backend.default_float())


def _check_dim(dim: int, ndim: int) -> int:
    """``dim`` as a non-negative axis, or PyTorch's IndexError."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
        )
    return dim % max(ndim, 1)


def _broadcast_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast shape of ``a`` and ``b``, or PyTorch's error naming the dimension."""
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for i, (sa, sb) in enumerate(zip(pa, pb)):
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                f"non-singleton dimension {i}"
            )
        out.append(sb if sa == 1 else sa)
    return tuple(out)


def _records(x: Any) -> bool:
    return isinstance(x, Tensor) and (x.requires_grad or x._fw is not None)


def _write_into(target: Any, value: Any) -> Any:
    """Write ``value`` into ``target`` (a Tensor, recorded as a copy, or an array)."""
    if isinstance(target, Tensor):
        return target.copy_(value)
    np.copyto(target, _unwrap(value), casting="same_kind")
    return target


def _activation(input: TensorLike, inplace: bool, compute: Callable[[Any], Any]) -> Result:
    """``compute(input)``; with ``inplace``, written back into ``input`` and returned."""
    x = _arg(input)
    if not inplace:
        return compute(x)
    # The graph must not save ``x`` itself, which the write below changes: compute on a
    # recorded copy (CloneBackward0) when gradients flow.
    source = ops.clone(x) if _records(x) and grad_mode.is_grad_enabled() else x
    return _write_into(x, compute(source))


def _inside(raw: Array, lo: float, hi: float) -> Array:
    return (raw > lo) & (raw < hi)


# ---- activations --------------------------------------------------------------------------


def relu(input: TensorLike, inplace: bool = False) -> Result:
    """Rectified linear unit, ``max(x, 0)`` elementwise; the gradient at 0 is 0.

    Parameters
    ----------
    input : Tensor or array_like
        Any dtype; integers stay integers.
    inplace : bool, default False
        Write the result into ``input`` and return it.

    Returns
    -------
    Tensor or ndarray
        Same shape and dtype as ``input``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.relu(fg.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """
    return _activation(input, inplace, ops.relu)


def _clip_between(x: Any, lo: float, hi: float) -> Any:
    """``x`` clipped to ``[lo, hi]``, with gradient 1 strictly inside and 0 elsewhere
    (PyTorch's ``hardtanh`` convention at the edges)."""
    raw = _unwrap(x)
    if not _is_float(x):  # integers: no gradient, and PyTorch keeps the integer dtype
        return ops.astype(ops.clamp(x, lo, hi), _dtype(x))
    return ops.where(_inside(raw, lo, hi), x, np.clip(raw, lo, hi))


def hardtanh(input: TensorLike, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Result:
    """``x`` clipped to ``[min_val, max_val]``; the gradient is 1 strictly inside, else 0.

    Parameters
    ----------
    input : Tensor or array_like
    min_val, max_val : float, default -1.0, 1.0
        The bounds; ``min_val`` may not exceed ``max_val``.
    inplace : bool, default False
        Write the result into ``input`` and return it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.hardtanh(fg.tensor([-3.0, 0.5, 2.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _activation(input, inplace, lambda x: _clip_between(x, min_val, max_val))


def relu6(input: TensorLike, inplace: bool = False) -> Result:
    """``min(max(x, 0), 6)`` elementwise (``hardtanh(x, 0, 6)``).

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.relu6(fg.tensor([-1.0, 3.0, 8.0]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: TensorLike, negative_slope: float = 0.01, inplace: bool = False) -> Result:
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    Parameters
    ----------
    input : Tensor or array_like
        Floating point.
    negative_slope : float, default 0.01
    inplace : bool, default False
        Write the result into ``input`` and return it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.leaky_relu(fg.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    def compute(x: Any) -> Any:
        _require_float(x, "leaky_relu")
        return ops.where(_unwrap(x) > 0, x, ops.mul(x, negative_slope))

    return _activation(input, inplace, compute)


def _elu(x: Any, alpha: float, scale_in: float, name: str) -> Any:
    """``x`` where positive, ``alpha * (exp(x * scale_in) - 1)`` elsewhere."""
    _require_float(x, name)
    positive = _unwrap(x) > 0
    # exp only sees the non-positive part: no overflow, and its branch gets exact zeros.
    negative_part = ops.where(positive, 0.0, x)
    if scale_in != 1.0:
        negative_part = ops.mul(negative_part, scale_in)
    return ops.where(positive, x, ops.mul(expm1(negative_part), alpha))


def elu(input: TensorLike, alpha: float = 1.0, inplace: bool = False) -> Result:
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Parameters
    ----------
    input : Tensor or array_like
        Floating point.
    alpha : float, default 1.0
    inplace : bool, default False
        Write the result into ``input`` and return it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.elu(fg.tensor([-1.0, 2.0]))
    tensor([-0.6321,  2.0000])
    """
    return _activation(input, inplace, lambda x: _elu(x, alpha, 1.0, "elu"))


def selu(input: TensorLike, inplace: bool = False) -> Result:
    """Scaled ELU: ``scale * elu(x, alpha)`` with the self-normalising constants
    ``alpha = 1.6732632...`` and ``scale = 1.0507009...``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.selu(fg.tensor([-1.0, 1.0]))
    tensor([-1.1113,  1.0507])
    """
    return _activation(
        input, inplace, lambda x: ops.mul(_elu(x, _SELU_ALPHA, 1.0, "selu"), _SELU_SCALE)
    )


def celu(input: TensorLike, alpha: float = 1.0, inplace: bool = False) -> Result:
    """Continuously differentiable ELU: ``x`` if ``x > 0`` else ``alpha * (exp(x / alpha) - 1)``.

    Parameters
    ----------
    input : Tensor or array_like
        Floating point.
    alpha : float, default 1.0
        Not zero.
    inplace : bool, default False
        Write the result into ``input`` and return it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.celu(fg.tensor([-1.0, 1.0]), alpha=2.0)
    tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _activation(input, inplace, lambda x: _elu(x, alpha, 1.0 / alpha, "celu"))


def gelu(input: TensorLike, approximate: str = "none") -> Result:
    """Gaussian error linear unit, ``x * Phi(x)`` with ``Phi`` the standard normal CDF.

    Parameters
    ----------
    input : Tensor or array_like
        Floating point.
    approximate : {'none', 'tanh'}, default 'none'
        'none': exactly, ``0.5 x (1 + erf(x / sqrt(2)))``; 'tanh': the approximation
        ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x**3)))``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.gelu(fg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    >>> F.gelu(fg.tensor([1.0]), approximate="tanh")
    tensor([0.8412])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    x = _arg(input)
    _require_float(x, "gelu")
    if approximate == "tanh":
        inner = ops.mul(ops.add(x, ops.mul(ops.mul(ops.mul(x, x), x), 0.044715)), _SQRT_TWO_OVER_PI)
        cdf = ops.add(ops.tanh(inner), 1.0)
    else:
        cdf = ops.add(erf(ops.mul(x, _SQRT_HALF)), 1.0)
    return ops.mul(ops.mul(x, cdf), 0.5)


def silu(input: TensorLike, inplace: bool = False) -> Result:
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.silu(fg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.2689,  0.0000,  0.7311])
    """
    def compute(x: Any) -> Any:
        _require_float(x, "silu")
        return ops.mul(x, ops.sigmoid(x))

    return _activation(input, inplace, compute)


def _softplus(x: Any) -> Any:
    """``log(1 + exp(x))`` without overflow for large ``x``."""
    return logaddexp(0.0, x)


def mish(input: TensorLike, inplace: bool = False) -> Result:
    """``x * tanh(softplus(x))``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.mish(fg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    def compute(x: Any) -> Any:
        _require_float(x, "mish")
        return ops.mul(x, ops.tanh(_softplus(x)))

    return _activation(input, inplace, compute)


def softplus(input: TensorLike, beta: float = 1.0, threshold: float = 20.0) -> Result:
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``.

    Computed as ``logaddexp(0, beta x) / beta``, so no input overflows.

    Parameters
    ----------
    input : Tensor or array_like
        Floating point.
    beta : float, default 1.0
    threshold : float, default 20.0
        Above it (in ``beta x``) the function is linear.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.softplus(fg.tensor([-1.0, 0.0, 30.0]))
    tensor([ 0.3133,  0.6931, 30.0000])
    >>> F.softplus(fg.tensor([1.0]), beta=2.0)
    tensor([1.0635])
    """
    x = _arg(input)
    _require_float(x, "softplus")
    bx = ops.mul(x, beta) if beta != 1.0 else x
    smooth = _softplus(bx)
    if beta != 1.0:
        smooth = ops.div(smooth, beta)
    return ops.where(_unwrap(bx) > threshold, x, smooth)


def sigmoid(input: TensorLike) -> Result:
    """The logistic function ``1 / (1 + exp(-x))``; integers become the default float dtype.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.sigmoid(fg.tensor([0.0, 2.0]))
    tensor([0.5000, 0.8808])
    """
    return ops.sigmoid(_to_float(_arg(input)))


def tanh(input: TensorLike) -> Result:
    """The hyperbolic tangent; integers become the default float dtype.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.tanh(fg.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """
    return ops.tanh(_to_float(_arg(input)))


def hardsigmoid(input: TensorLike, inplace: bool = False) -> Result:
    """``0`` below -3, ``1`` above 3, ``x / 6 + 1 / 2`` between.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.hardsigmoid(fg.tensor([-4.0, 0.0, 1.5, 4.0]))
    tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """
    def compute(x: Any) -> Any:
        _require_float(x, "hardsigmoid")
        raw = _unwrap(x)
        return ops.where(_inside(raw, -3.0, 3.0), ops.add(ops.div(x, 6.0), 0.5),
                         np.clip(raw / 6.0 + 0.5, 0.0, 1.0))

    return _activation(input, inplace, compute)


def hardswish(input: TensorLike, inplace: bool = False) -> Result:
    """``x * hardsigmoid(x)``: ``0`` below -3, ``x`` above 3, ``x (x + 3) / 6`` between.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.hardswish(fg.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.0000,  0.6667,  4.0000])
    """
    def compute(x: Any) -> Any:
        _require_float(x, "hardswish")
        raw = _unwrap(x)
        # The outer pieces own the edges: the gradient is 0 at -3 and 1 at 3, as in PyTorch.
        middle = ops.div(ops.mul(x, ops.add(x, 3.0)), 6.0)
        return ops.where(raw <= -3.0, ops.mul(x, 0.0), ops.where(raw >= 3.0, x, middle))

    return _activation(input, inplace, compute)


def logsigmoid(input: TensorLike) -> Result:
    """``log(sigmoid(x)) = -softplus(-x)``, finite for every finite ``x``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.logsigmoid(fg.tensor([0.0, -100.0]))
    tensor([  -0.6931, -100.0000])
    """
    x = _arg(input)
    _require_float(x, "log_sigmoid")
    return ops.neg(_softplus(ops.neg(x)))


def softsign(input: TensorLike) -> Result:
    """``x / (1 + |x|)``; integers become the default float dtype.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.softsign(fg.tensor([-1.0, 3.0]))
    tensor([-0.5000,  0.7500])
    """
    x = _to_float(_arg(input))
    return ops.div(x, ops.add(ops.abs(x), 1.0))


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(input: TensorLike, dim: int | None, stacklevel: int, dtype: DTypeLike | None,
                   name: str) -> tuple[Any, int]:
    x = _arg(input)
    if dtype is not None:
        np_dtype = backend.to_dtype(dtype)
        if np_dtype != _dtype(x):
            x = ops.astype(x, np_dtype)
    _require_float(x, f"{name}_lastdim_kernel_impl")
    if dim is None:
        dim = _softmax_dim(name, len(_shape(x)), stacklevel + 1)
    _check_dim(dim, len(_shape(x)))
    return x, dim


def softmax(input: TensorLike, dim: int | None = None, _stacklevel: int = 3,
            dtype: DTypeLike | None = None) -> Result:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably (the maximum subtracted).

    Parameters
    ----------
    input : Tensor or array_like
        Floating point (or give ``dtype``).
    dim : int, optional
        The dimension that sums to one. Leaving it out is deprecated (a warning) and picks
        0 for 0-, 1- and 3-d inputs, else 1, as PyTorch does.
    dtype : dtype, optional
        Cast the input to this dtype first.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.softmax(fg.tensor([[1.0, 2.0, 3.0]]), dim=1)
    tensor([[0.0900, 0.2447, 0.6652]])
    >>> F.softmax(fg.tensor([1000.0, 1000.0]), dim=0)
    tensor([0.5000, 0.5000])
    """
    x, dim = _softmax_input(input, dim, _stacklevel, dtype, "softmax")
    return ops.softmax(x, dim)


def log_softmax(input: TensorLike, dim: int | None = None, _stacklevel: int = 3,
                dtype: DTypeLike | None = None) -> Result:
    """``x - logsumexp(x)`` along ``dim``: the log of :func:`softmax`, without its underflow.

    Parameters are those of :func:`softmax`.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.log_softmax(fg.tensor([0.0, 0.0, 1000.0]), dim=0)
    tensor([-1000., -1000.,     0.])
    """
    x, dim = _softmax_input(input, dim, _stacklevel, dtype, "log_softmax")
    return ops.log_softmax(x, dim)


# ---- reductions ---------------------------------------------------------------------------


def _legacy_reduction(size_average: bool | None, reduce: bool | None, stacklevel: int = 4) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return result


def _reduction_arg(size_average: bool | None, reduce: bool | None, reduction: str,
                   allowed: tuple[str, ...] = ("none", "mean", "sum")) -> str:
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Any, reduction: str) -> Any:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return ops.sum(loss, None, False)
    return ops.mean(loss, None, False)


def _warn_size(x: Any, y: Any) -> None:
    if _shape(x) != _shape(y):
        warnings.warn(
            f"Using a target size ({Size(_shape(y))}) that is different to the input size "
            f"({Size(_shape(x))}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=4,  # the caller of the loss function
        )


def _weighted(loss: Any, weight: TensorLike | None, x: Any, reduction: str,
              mean_over_weights: bool) -> Any:
    """Reduce ``loss``, first multiplied by the elementwise ``weight`` when one is given."""
    if weight is None:
        return _reduce(loss, reduction)
    w = _arg(weight)
    if _shape(w) != _shape(x):
        raise ValueError("Weights and input must have the same size.")
    loss = ops.mul(loss, w)
    if reduction == "mean" and mean_over_weights:
        return ops.div(ops.sum(loss, None, False), ops.sum(w, None, False))
    return _reduce(loss, reduction)


def _pair(input: TensorLike, target: TensorLike) -> tuple[Any, Any]:
    x, y = _arg(input), _arg(target)
    _warn_size(x, y)
    _broadcast_shapes(_shape(x), _shape(y))
    return x, y


# ---- regression losses --------------------------------------------------------------------


def mse_loss(input: TensorLike, target: TensorLike, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: TensorLike | None = None) -> Result:
    """Mean squared error ``(input - target)**2``, reduced.

    Parameters
    ----------
    input, target : Tensor or array_like
        Broadcast together (a warning when their shapes differ, as in PyTorch).
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    weight : Tensor or array_like, optional
        Elementwise weights of ``input``'s shape; with 'mean' the weighted sum is divided
        by the sum of the weights.

    Returns
    -------
    Tensor or ndarray
        A scalar, or the elementwise losses for ``reduction='none'``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.mse_loss(fg.tensor([1.0, 2.0]), fg.tensor([0.0, 4.0]))
    tensor(2.5000)
    >>> F.mse_loss(fg.tensor([1.0, 2.0]), fg.tensor([0.0, 4.0]), reduction="none")
    tensor([1., 4.])
    """
    x, y = _pair(input, target)
    reduction = _reduction_arg(size_average, reduce, reduction)
    d = ops.sub(x, y)
    return _weighted(ops.mul(d, d), weight, x, reduction, mean_over_weights=True)


def l1_loss(input: TensorLike, target: TensorLike, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: TensorLike | None = None) -> Result:
    """Mean absolute error ``|input - target|``, reduced (arguments as :func:`mse_loss`).

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.l1_loss(fg.tensor([1.0, 2.0]), fg.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    x, y = _pair(input, target)
    reduction = _reduction_arg(size_average, reduce, reduction)
    return _weighted(ops.abs(ops.sub(x, y)), weight, x, reduction, mean_over_weights=True)


def smooth_l1_loss(input: TensorLike, target: TensorLike, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Result:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, for ``d = input - target``.

    Parameters
    ----------
    input, target : Tensor or array_like
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    beta : float, default 1.0
        Non-negative; 0 gives :func:`l1_loss`.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.smooth_l1_loss(fg.tensor([0.5, 3.0]), fg.tensor([0.0, 0.0]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, y = _pair(input, target)
    reduction = _reduction_arg(size_average, reduce, reduction)
    d = ops.sub(x, y)
    a = ops.abs(d)
    if beta == 0:
        return _reduce(a, reduction)
    loss = ops.where(_unwrap(a) < beta, ops.div(ops.mul(ops.mul(d, d), 0.5), beta),
                     ops.sub(a, 0.5 * beta))
    return _reduce(loss, reduction)


def huber_loss(input: TensorLike, target: TensorLike, reduction: str = "mean",
               delta: float = 1.0, weight: TensorLike | None = None) -> Result:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``, for ``d = input - target``.

    Parameters
    ----------
    input, target : Tensor or array_like
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    delta : float, default 1.0
        Positive.
    weight : Tensor or array_like, optional
        Elementwise weights of ``input``'s shape ('mean' averages the weighted losses).

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.huber_loss(fg.tensor([0.5, 3.0]), fg.tensor([0.0, 0.0]), delta=2.0, reduction="none")
    tensor([0.1250, 4.0000])
    """
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    x, y = _pair(input, target)
    reduction = _reduction_arg(None, None, reduction)
    d = ops.sub(x, y)
    a = ops.abs(d)
    loss = ops.where(_unwrap(a) < delta, ops.mul(ops.mul(d, d), 0.5),
                     ops.mul(ops.sub(a, 0.5 * delta), delta))
    return _weighted(loss, weight, x, reduction, mean_over_weights=False)


def gaussian_nll_loss(input: TensorLike, target: TensorLike, var: TensorLike | float,
                      full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> Result:
    """Negative log-likelihood of ``target`` under ``Normal(input, var)``:
    ``0.5 (log(var) + (input - target)**2 / var)`` (plus ``0.5 log(2 pi)`` when ``full``).

    Parameters
    ----------
    input, target : Tensor or array_like
        The predicted means and the observations.
    var : Tensor, array_like or float
        Non-negative variances: ``input``'s shape, that shape without its last dimension,
        or broadcastable to it with one mismatched dimension. Values below ``eps`` are
        raised to ``eps`` (the gradient passes as if they were not, as in PyTorch).
    full : bool, default False
        Include the constant term.
    eps : float, default 1e-6
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.gaussian_nll_loss(fg.tensor([0.0, 1.0]), fg.tensor([1.0, 1.0]), fg.tensor([1.0, 1.0]))
    tensor(0.2500)
    """
    x, y = _arg(input), _arg(target)
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        xp = backend.namespace(_unwrap(x))  # the variances where the input is
        v: Any = xp.full(_shape(x), var, dtype=_dtype(x) if _is_float(x) else None)
    else:
        v = _arg(var)
        if np.any(_unwrap(v) < 0):
            raise ValueError("var has negative entry/entries")
    xs, vs = _shape(x), _shape(v)
    if vs != xs:
        if xs[:-1] == vs:  # one variance per row: broadcast it along the last dimension
            v = ops.reshape(v, vs + (1,))
        elif not (len(xs) == len(vs) and sum(b for a, b in zip(xs, vs) if a != b) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    raw_v = _unwrap(v)
    # Clamped without recording, as PyTorch does: the forward sees max(var, eps), the
    # gradient flows to var unchanged.
    v = ops.add(v, np.maximum(raw_v, eps) - raw_v)
    d = ops.sub(x, y)
    loss = ops.mul(ops.add(ops.log(v), ops.div(ops.mul(d, d), v)), 0.5)
    if full:
        loss = ops.add(loss, 0.5 * math.log(2 * math.pi))
    return _reduce(loss, reduction)


# ---- classification losses ----------------------------------------------------------------


def _class_weight(weight: TensorLike | None, n_classes: int, dtype: np.dtype[Any]) -> Any:
    if weight is None:
        return None
    w = _arg(weight)
    if _shape(w) != (n_classes,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no "
            f"classes but got weight tensor of shape: {list(_shape(w))}"
        )
    if not isinstance(w, Tensor) and _dtype(w) != dtype:
        w = w.astype(dtype)  # plain arrays follow the input's precision
    return w


def _along(dim: int, ndim: int, values: Any) -> Any:
    """A 1-d ``values`` reshaped to lie along ``dim`` of an ``ndim``-d array."""
    shape = [1] * ndim
    shape[dim] = -1
    return ops.reshape(values, tuple(shape))


def _index_target(target: TensorLike) -> Array:
    """A class-index target as an array, left on its device (a CUDA one stays there)."""
    t = _unwrap(_arg(target))
    return t if backend.is_cuda_array(t) else np.asarray(t)


def _check_index_target(x_shape: tuple[int, ...], t: Array) -> None:
    """PyTorch's checks of a class-index target against the input's shape and dtype."""
    ndim, t_shape = len(x_shape), t.shape
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim == 1:
        if t.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if t.ndim == 1 and t_shape[0] != 1:
            raise ValueError(
                f"For 1D input, 1D target must have size 1, but got target size: {t_shape[0]}"
            )
    else:
        target_batch = t_shape[0] if t.ndim else 0
        if target_batch != x_shape[0]:
            raise ValueError(
                f"Expected input batch_size ({x_shape[0]}) to match target batch_size "
                f"({target_batch})."
            )
        if ndim == 2 and t.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        expected = (x_shape[0],) + x_shape[2:]
        if ndim > 2 and t_shape != expected:
            raise RuntimeError(f"Expected target size {list(expected)}, got {list(t_shape)}")
    if t.dtype.kind not in "iu":
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_short_type(t.dtype)}"
        )


def _nll_terms(logp: Any, t: Array, weight: Any, ignore_index: int,
               class_dim: int) -> tuple[Any, Any, Array]:
    """Per-element ``-w[t] * logp[t]``, the weights ``w[t]`` (0 where ignored) and the mask
    of elements not ignored; ``t`` has ``logp``'s shape without ``class_dim``."""
    n_classes = _shape(logp)[class_dim]
    valid = t != ignore_index
    bad = t[valid & ((t < 0) | (t >= n_classes))]
    if bad.size:
        raise IndexError(f"Target {int(bad.ravel()[0])} is out of bounds.")
    safe = np.where(valid, t, 0)
    xp = backend.namespace(t)  # the class numbers where the targets are
    classes = xp.arange(n_classes).reshape((-1,) + (1,) * (t.ndim - class_dim))
    chosen = xp.expand_dims(safe, class_dim) == classes
    # where, not a product with a one-hot: a -inf log-probability elsewhere stays out
    picked = ops.sum(ops.where(chosen, logp, 0.0), class_dim, False)
    dtype = _dtype(logp)
    if weight is None:
        w: Any = valid.astype(dtype)
    else:
        w = ops.mul(ops.getitem(weight, safe), valid.astype(dtype))
    return ops.neg(ops.mul(picked, w)), w, valid


def _nll_reduce(loss: Any, w: Any, reduction: str) -> Any:
    if reduction == "none":
        return loss
    total = ops.sum(loss, None, False)
    if reduction == "sum":
        return total
    weight_sum = ops.sum(w, None, False)
    if _unwrap(weight_sum) == 0:
        # Every target ignored (or no targets): the loss is NaN and its gradient zero, as in
        # PyTorch, rather than the NaN gradient that 0 / 0 would give.
        return ops.add(ops.mul(total, 0.0), np.nan)
    return ops.div(total, weight_sum)


def _batched(x: Any, t: Array) -> tuple[Any, Array, bool]:
    """An unbatched (C,) input and its target as a batch of one."""
    if len(_shape(x)) != 1:
        return x, t, False
    return ops.reshape(x, (1, -1)), t.reshape((1,)), True


def nll_loss(input: TensorLike, target: TensorLike, weight: TensorLike | None = None,
             size_average: bool | None = None, ignore_index: int = -100,
             reduce: bool | None = None, reduction: str = "mean") -> Result:
    """Negative log-likelihood of class indices, given log-probabilities.

    The loss of an element with target class ``c`` is ``-weight[c] * input[n, c, ...]``;
    'mean' divides the sum by the total weight of the targets not ignored.

    Parameters
    ----------
    input : Tensor or array_like
        Log-probabilities, ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``.
    target : Tensor or array_like
        Integer class indices in ``[0, C)``: ``()``, ``(N,)`` or ``(N, d1, ...)``.
    weight : Tensor or array_like, optional
        A weight per class, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    ignore_index : int, default -100
        Targets equal to it count for nothing, in the loss and in the 'mean' divisor.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> logp = fg.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> F.nll_loss(logp, fg.tensor([0, 1]))
    tensor(0.3000)
    >>> F.nll_loss(logp, fg.tensor([0, 1]), weight=fg.tensor([1.0, 3.0]))
    tensor(0.2000)
    """
    reduction = _reduction_arg(size_average, reduce, reduction)
    x = _arg(input)
    t = _index_target(target)
    _check_index_target(_shape(x), t)
    w = _class_weight(weight, _shape(x)[0 if len(_shape(x)) == 1 else 1], _dtype(x))
    xb, tb, unbatched = _batched(x, t)
    loss, wt, _ = _nll_terms(xb, tb, w, ignore_index, 1)
    if unbatched and reduction == "none":
        loss = ops.reshape(loss, t.shape)
    return _nll_reduce(loss, wt, reduction)


def cross_entropy(input: TensorLike, target: TensorLike, weight: TensorLike | None = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Result:
    """Cross-entropy between the softmax of ``input`` (logits) and ``target``.

    ``target`` holds either class indices (an integer array, the input's shape without the
    class dimension) or class probabilities (a floating array of the input's shape). The
    log-softmax is taken along the class dimension (1, or 0 for an unbatched ``(C,)``
    input) with the log-sum-exp trick, so large logits give finite losses.

    Parameters
    ----------
    input : Tensor or array_like
        Logits, ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``.
    target : Tensor or array_like
        Class indices in ``[0, C)`` or class probabilities.
    weight : Tensor or array_like, optional
        A weight per class, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    ignore_index : int, default -100
        Class-index targets equal to it contribute nothing (not allowed with probabilities).
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        With class indices, 'mean' divides by the total weight of the targets not ignored;
        with probabilities, by the number of elements over the class dimension.
    label_smoothing : float, default 0.0
        In ``[0, 1]``: the target becomes ``(1 - e)`` times itself plus ``e`` spread
        uniformly over the classes.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> logits = fg.tensor([[3.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> F.cross_entropy(logits, fg.tensor([0, 2]), reduction="none")
    tensor([0.0949, 1.0986])
    >>> F.cross_entropy(logits, fg.tensor([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]))
    tensor(0.5968)
    >>> F.cross_entropy(logits, fg.tensor([0, 2]), label_smoothing=0.1)
    tensor(0.6968)
    >>> F.cross_entropy(fg.tensor([[1000.0, -1000.0]]), fg.tensor([1]))
    tensor(2000.)
    """
    reduction = _reduction_arg(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x, tgt = _arg(input), _arg(target)
    x_shape = _shape(x)
    if len(x_shape) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(x_shape)})")
    class_dim = 0 if len(x_shape) == 1 else 1
    n_classes = x_shape[class_dim]
    _require_float(x, "log_softmax_lastdim_kernel_impl")
    w = _class_weight(weight, n_classes, _dtype(x))
    if _shape(tgt) == x_shape:
        return _cross_entropy_probabilities(x, tgt, w, class_dim, ignore_index, reduction,
                                            label_smoothing)
    t = _index_target(tgt)
    _check_index_target(x_shape, t)
    xb, tb, unbatched = _batched(x, t)
    logp = ops.log_softmax(xb, 1)
    loss, wt, valid = _nll_terms(logp, tb, w, ignore_index, 1)
    if unbatched and reduction == "none":
        loss = ops.reshape(loss, t.shape)
    nll = _nll_reduce(loss, wt, reduction)
    if label_smoothing == 0.0:
        return nll
    # The uniform part of the smoothed target: -sum_c w_c logp_c per element, ignored
    # elements dropped, normalised as the nll part is.
    weighted = logp if w is None else ops.mul(logp, _along(1, len(_shape(logp)), w))
    smooth = ops.mul(ops.neg(ops.sum(weighted, 1, False)), valid.astype(_dtype(logp)))
    if unbatched and reduction == "none":
        smooth = ops.reshape(smooth, t.shape)
    smooth = _nll_reduce(smooth, wt, reduction)
    return ops.add(ops.mul(nll, 1.0 - label_smoothing),
                   ops.mul(smooth, label_smoothing / n_classes))


def _cross_entropy_probabilities(x: Any, p: Any, w: Any, class_dim: int, ignore_index: int,
                                 reduction: str, label_smoothing: float) -> Any:
    if not _is_float(p):
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, got "
            f"{_short_type(_dtype(p))}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    n_classes = _shape(x)[class_dim]
    logp = ops.log_softmax(x, class_dim)
    if label_smoothing > 0.0:
        p = ops.add(ops.mul(p, 1.0 - label_smoothing), label_smoothing / n_classes)
    terms = ops.mul(logp, p)
    if w is not None:
        terms = ops.mul(terms, _along(class_dim, len(_shape(x)), w))
    loss = ops.neg(ops.sum(terms, class_dim, False))
    if reduction == "mean":  # over the elements, not the weights (unlike class indices)
        count = math.prod(n for d, n in enumerate(_shape(x)) if d != class_dim)
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty batch: NaN
            return ops.div(ops.sum(loss, None, False), count)
    return _reduce(loss, reduction)


def binary_cross_entropy(input: TensorLike, target: TensorLike, weight: TensorLike | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Result:
    """Binary cross-entropy ``-(t log(x) + (1 - t) log(1 - x))`` of probabilities ``x``.

    As in PyTorch the logarithms are clamped at -100, so a confident wrong prediction
    costs 100, not infinity; where the clamp is active the gradient is 0. For logits, use
    the stabler :func:`binary_cross_entropy_with_logits`.

    Parameters
    ----------
    input : Tensor or array_like
        Probabilities in ``[0, 1]``.
    target : Tensor or array_like
        Values in ``[0, 1]``, of ``input``'s shape and dtype.
    weight : Tensor or array_like, optional
        Broadcast to the target's shape and multiplied into each element's loss.
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.binary_cross_entropy(fg.tensor([0.9, 0.2]), fg.tensor([1.0, 0.0]))
    tensor(0.1643)
    >>> F.binary_cross_entropy(fg.tensor([0.0]), fg.tensor([1.0]))
    tensor(100.)
    """
    reduction = _reduction_arg(size_average, reduce, reduction)
    x, t = _arg(input), _arg(target)
    if _shape(t) != _shape(x):
        raise ValueError(
            f"Using a target size ({Size(_shape(t))}) that is different to the input size "
            f"({Size(_shape(x))}) is deprecated. Please ensure they have the same size."
        )
    if _dtype(t) != _dtype(x):
        raise RuntimeError(f"Found dtype {_short_type(_dtype(t))} but expected {_short_type(_dtype(x))}")
    raw_x, raw_t = _unwrap(x), _unwrap(t)
    if np.any((raw_x < 0) | (raw_x > 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if np.any((raw_t < 0) | (raw_t > 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    with np.errstate(divide="ignore"):  # log(0) is -inf before the clamp
        log_x = ops.clamp(ops.log(x), -100.0, None)
        log_1mx = ops.clamp(log1p(ops.neg(x)), -100.0, None)
    loss = ops.neg(ops.add(ops.mul(t, log_x), ops.mul(ops.sub(1.0, t), log_1mx)))
    if weight is not None:
        w = _arg(weight)
        _broadcast_shapes(_shape(t), _shape(w))
        loss = ops.mul(loss, w)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: TensorLike, target: TensorLike, weight: TensorLike | None = None,
    size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
    pos_weight: TensorLike | None = None,
) -> Result:
    """Binary cross-entropy of ``sigmoid(input)`` against ``target``, from the logits.

    Computed as ``(1 - t) x + (1 + (p - 1) t) softplus(-x)`` (``p`` the ``pos_weight``),
    with ``softplus`` through ``logaddexp``: finite and exact for any logit, where taking
    the sigmoid first would round to 0 or 1.

    Parameters
    ----------
    input : Tensor or array_like
        Logits.
    target : Tensor or array_like
        Values in ``[0, 1]``, of ``input``'s shape.
    weight : Tensor or array_like, optional
        Broadcast and multiplied into each element's loss.
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    pos_weight : Tensor or array_like, optional
        The weight of positive examples, broadcast against the target (one per class
        along the last dimension, typically).

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(fg.tensor([2.0, -1.0]), fg.tensor([1.0, 0.0]))
    tensor(0.2201)
    >>> F.binary_cross_entropy_with_logits(fg.tensor([-200.0]), fg.tensor([1.0]))
    tensor(200.)
    """
    reduction = _reduction_arg(size_average, reduce, reduction)
    x, t = _arg(input), _arg(target)
    if _shape(t) != _shape(x):
        raise ValueError(f"Target size ({Size(_shape(t))}) must be the same as input size ({Size(_shape(x))})")
    if not _is_float(t):
        raise RuntimeError(f"Found dtype {_short_type(_dtype(t))} but expected {_short_type(_dtype(x))}")
    _require_float(x, "binary_cross_entropy_with_logits")
    softplus_neg = _softplus(ops.neg(x))
    if pos_weight is None:
        coefficient: Any = 1.0
    else:
        pw = _arg(pos_weight)
        _broadcast_shapes(_shape(t), _shape(pw))
        coefficient = ops.add(ops.mul(ops.sub(pw, 1.0), t), 1.0)
    loss = ops.add(ops.mul(ops.sub(1.0, t), x), ops.mul(softplus_neg, coefficient))
    if weight is not None:
        w = _arg(weight)
        _broadcast_shapes(_shape(loss), _shape(w))
        loss = ops.mul(loss, w)
    return _reduce(loss, reduction)


def kl_div(input: TensorLike, target: TensorLike, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean", log_target: bool = False) -> Result:
    """Kullback-Leibler divergence ``target * (log(target) - input)`` pointwise; ``input``
    holds log-probabilities.

    Parameters
    ----------
    input : Tensor or array_like
        Log-probabilities.
    target : Tensor or array_like
        Probabilities (terms with ``target == 0`` are 0), or log-probabilities when
        ``log_target``: then the term is ``exp(target) * (target - input)``.
    size_average, reduce : bool, optional
        Deprecated; use ``reduction``.
    reduction : {'mean', 'batchmean', 'sum', 'none'}, default 'mean'
        'batchmean' divides the sum by the batch size (the first dimension), which is the
        KL divergence per sample; 'mean' divides by the number of elements and warns, as
        in PyTorch.
    log_target : bool, default False

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> p = fg.tensor([[0.5, 0.5]])
    >>> F.kl_div(fg.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean")
    tensor(0.1438)
    """
    x, t = _arg(input), _arg(target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, stacklevel=3)
    elif reduction not in ("none", "batchmean", "sum", "mean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            UserWarning,
            stacklevel=2,
        )
    _broadcast_shapes(_shape(x), _shape(t))
    if log_target:
        loss = ops.mul(ops.exp(t), ops.sub(t, x))
    else:
        loss = ops.sub(xlogy(t, t), ops.mul(t, x))
    if reduction == "batchmean":
        total = ops.sum(loss, None, False)
        shape = _shape(x)
        return ops.div(total, shape[0]) if len(shape) else total
    return _reduce(loss, reduction)


# ---- layers and utilities ------------------------------------------------------------------


def linear(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None) -> Result:
    """The affine map ``input @ weight.T + bias``.

    Parameters
    ----------
    input : Tensor or array_like
        ``(*, in_features)``.
    weight : Tensor or array_like
        ``(out_features, in_features)``, or ``(in_features,)`` for one output (dropped).
    bias : Tensor or array_like, optional
        ``(out_features,)`` or anything that broadcasts to the output.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> x = fg.tensor([[1.0, 2.0]])
    >>> w = fg.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]])
    >>> F.linear(x, w, fg.tensor([0.0, 0.5, 1.0]))
    tensor([[ 1.0000,  3.5000, -1.0000]])
    """
    x, w = _arg(input), _arg(weight)
    if len(_shape(w)) > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {len(_shape(w))}D")
    out = ops.matmul(x, ops.swapaxes(w, 0, 1) if len(_shape(w)) == 2 else w)
    if bias is None:
        return out
    b = _arg(bias)
    _broadcast_shapes(_shape(out), _shape(b))
    return ops.add(out, b)


def dropout(input: TensorLike, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Result:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The mask is drawn from funcgrad's default generator, so :func:`funcgrad.manual_seed`
    makes it reproducible. With ``training=False`` (or ``p == 0``) ``input`` is returned
    as is.

    Parameters
    ----------
    input : Tensor or array_like
    p : float, default 0.5
        In ``[0, 1]``.
    training : bool, default True
    inplace : bool, default False
        Write the result into ``input`` and return it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> _ = fg.manual_seed(0)
    >>> y = F.dropout(fg.ones(1000), p=0.25)
    >>> sorted(set(y.tolist()))  # dropped, or kept and scaled by 1 / 0.75
    [0.0, 1.3333333730697632]
    >>> F.dropout(fg.ones(3), training=False)
    tensor([1., 1., 1.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _arg(input)
    if not training or p == 0.0:
        return x

    def compute(v: Any) -> Any:
        if p == 1.0:
            return ops.mul(v, 0.0)
        keep = default_generator._rng.random(_shape(v)) >= p
        scale = (keep / (1.0 - p)).astype(_dtype(v))
        data = _unwrap(v)
        if backend.is_cuda_array(data):
            # Drawn on the host, so a seed drops the same elements on every device.
            scale = backend.namespace(data).asarray(scale)
        return ops.mul(v, scale)

    return _activation(x, inplace, compute)


def one_hot(tensor: TensorLike, num_classes: int = -1) -> Result:
    """Class indices as one-hot rows: shape ``tensor.shape + (num_classes,)``, int64.

    Parameters
    ----------
    tensor : Tensor or array_like
        Non-negative integer class indices.
    num_classes : int, default -1
        The number of classes; -1 takes the largest index plus one.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.one_hot(fg.tensor([0, 2, 1]))
    tensor([[1, 0, 0],
            [0, 0, 1],
            [0, 1, 0]])
    """
    x = _arg(tensor)
    t = _index_target(x)
    if t.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (t[..., None] == backend.namespace(t).arange(num_classes)).astype(np.int64)
    if isinstance(x, Tensor):
        from ..tensor import _from_array

        return _from_array(out)
    return out


def normalize(input: TensorLike, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Any = None) -> Result:
    """``input / max(||input||_p, eps)`` with the norm taken along ``dim``.

    Parameters
    ----------
    input : Tensor or array_like
    p : float, default 2.0
        The exponent of the norm.
    dim : int, default 1
    eps : float, default 1e-12
        The smallest denominator (so zero vectors stay zero).
    out : Tensor or ndarray, optional
        Written with the result, which is also returned.

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.normalize(fg.tensor([[3.0, 4.0], [0.0, 0.0]]))
    tensor([[0.6000, 0.8000],
            [0.0000, 0.0000]])
    """
    x = _arg(input)
    _check_dim(dim, len(_shape(x)))
    denominator = ops.clamp(ops.norm(x, p, dim, True), eps, None)
    result = ops.div(x, denominator)
    return result if out is None else _write_into(out, result)


# PyTorch's padding modes by NumPy's names.
_PAD_MODES: dict[str, Literal["constant", "reflect", "edge", "wrap"]] = {
    "constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap",
}


def pad(input: TensorLike, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Result:
    """Pad the last ``len(pad) // 2`` dimensions of ``input``.

    ``pad`` lists (before, after) widths starting from the *last* dimension:
    ``(left, right)`` pads the last one, ``(left, right, top, bottom)`` the last two, and
    so on. In 'constant' mode negative widths crop.

    Parameters
    ----------
    input : Tensor or array_like
    pad : sequence of int
        An even number of widths, at most two per dimension.
    mode : {'constant', 'reflect', 'replicate', 'circular'}, default 'constant'
        Fill with ``value``; mirror without repeating the edge; repeat the edge; wrap.
    value : float, optional
        The fill of 'constant' mode (default 0).

    Examples
    --------
    >>> import funcgrad as fg
    >>> import funcgrad.nn.functional as F
    >>> F.pad(fg.tensor([[1.0, 2.0]]), (1, 2), value=-1.0)
    tensor([[-1.,  1.,  2., -1., -1.]])
    >>> F.pad(fg.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
    >>> F.pad(fg.tensor([[1.0, 2.0, 3.0]]), (-1, 0))
    tensor([[2., 3.]])
    """
    x = _arg(input)
    widths = [int(w) for w in pad]
    shape = _shape(x)
    if len(widths) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(widths) // 2 > len(shape):
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(widths)} and input of dimension {len(shape)}"
        )
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and value is not None:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument.')
    pairs = [(0, 0)] * len(shape)
    for k in range(len(widths) // 2):
        pairs[len(shape) - 1 - k] = (widths[2 * k], widths[2 * k + 1])
    if mode != "constant":
        for d, (before, after) in enumerate(pairs):
            if before < 0 or after < 0:
                raise NotImplementedError(
                    f"funcgrad: negative padding crops in mode 'constant' only, not {mode!r}"
                )
            limit = shape[d] - 1 if mode == "reflect" else shape[d]
            if (before or after) and max(before, after) > limit:
                raise RuntimeError(
                    f"Padding size should be less than the corresponding input dimension, but "
                    f"got: padding ({before}, {after}) at dimension {d} of input {list(shape)}"
                )
    # Negative widths crop first; what remains is padding.
    if any(b < 0 or a < 0 for b, a in pairs):
        key = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(pairs, shape))
        x = ops.getitem(x, key)
        pairs = [(max(b, 0), max(a, 0)) for b, a in pairs]
    if not any(b or a for b, a in pairs):
        return x
    from .. import numpy as fnp  # funcgrad.numpy imports funcgrad.nn nowhere: no cycle

    np_mode = _PAD_MODES[mode]
    if np_mode == "constant":
        return fnp.pad(x, tuple(pairs), mode="constant", constant_values=0.0 if value is None else value)
    return fnp.pad(x, tuple(pairs), mode=np_mode)

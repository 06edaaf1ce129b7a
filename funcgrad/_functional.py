"""PyTorch's top-level functions (``funcgrad.sum(x, dim=1)``), over the Tensor methods."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import ops
from .creation import as_tensor
from .tensor import Tensor

if TYPE_CHECKING:
    from ._typing import ArrayLike


def _t(x: ArrayLike) -> Tensor:
    return x if isinstance(x, Tensor) else as_tensor(x)


def _method(name: str, doc: str) -> Callable[..., Tensor]:
    """``fn(input, *args, **kwargs)``: the Tensor method ``name`` of ``input`` made a Tensor."""

    def fn(input: ArrayLike, *args: Any, **kwargs: Any) -> Any:
        return getattr(_t(input), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


# The elementwise functions are the primitives themselves: no wrapper on the hot path
# (``fg.tanh(t)`` costs what ``t.tanh()`` does; arrays in give arrays out, as funcgrad.numpy).
exp, log, sin, cos, tan, tanh = ops.exp, ops.log, ops.sin, ops.cos, ops.tan, ops.tanh
sigmoid, relu, sqrt, abs, neg = ops.sigmoid, ops.relu, ops.sqrt, ops.abs, ops.neg
floor, ceil, maximum, minimum = ops.floor, ops.ceil, ops.maximum, ops.minimum

# elementwise
sign = _method("sign", "Elementwise sign (zero gradient).")
round = _method("round", "Elementwise rounding (zero gradient).")
square = _method("square", "Elementwise square.")
reciprocal = _method("reciprocal", "Elementwise 1 / x.")
add = _method("add", "Elementwise sum.")
sub = _method("sub", "Elementwise difference.")
mul = _method("mul", "Elementwise product.")
div = _method("div", "Elementwise quotient.")
pow = _method("pow", "Elementwise power.")
eq = _method("eq", "Elementwise ==.")
ne = _method("ne", "Elementwise !=.")
lt = _method("lt", "Elementwise <.")
le = _method("le", "Elementwise <=.")
gt = _method("gt", "Elementwise >.")
ge = _method("ge", "Elementwise >=.")
clamp = _method("clamp", "Limit to [min, max].")
isnan = _method("isnan", "Elementwise isnan.")
isfinite = _method("isfinite", "Elementwise isfinite.")

# reductions (max and min: a (values, indices) pair when given a dim)
sum = _method("sum", "Sum over ``dim`` (all elements by default).")
mean = _method("mean", "Mean over ``dim``.")
prod = _method("prod", "Product over ``dim``.")
max: Callable[..., Any] = _method("max", "Maximum (with ``dim``: values and indices).")
min: Callable[..., Any] = _method("min", "Minimum (with ``dim``: values and indices).")
amax = _method("amax", "Maximum over ``dim``.")
amin = _method("amin", "Minimum over ``dim``.")
argmax = _method("argmax", "Index of the maximum.")
argmin = _method("argmin", "Index of the minimum.")
norm = _method("norm", "Vector norm.")
var = _method("var", "Variance.")
std = _method("std", "Standard deviation.")
logsumexp = _method("logsumexp", "log(sum(exp(x))) over ``dim``, stably.")
softmax = _method("softmax", "Softmax over ``dim``.")
log_softmax = _method("log_softmax", "Log-softmax over ``dim``.")
all = _method("all", "Whether all elements are true.")
any = _method("any", "Whether any element is true.")

# shape, products, graph
reshape = _method("reshape", "``input`` with a new shape.")
transpose = _method("transpose", "Swap two dimensions.")
permute = _method("permute", "Permute the dimensions.")
squeeze = _method("squeeze", "Remove unit dimensions.")
unsqueeze = _method("unsqueeze", "Insert a unit dimension.")
flatten = _method("flatten", "Flatten a range of dimensions.")
t = _method("t", "Transpose a matrix.")
clone = _method("clone", "A recorded copy.")
matmul = _method("matmul", "Matrix product.")
mm = _method("mm", "Product of two matrices.")
dot = _method("dot", "Inner product of two vectors.")
numel: Callable[..., Any] = _method("numel", "Number of elements.")  # an int
detach = _method("detach", "Cut from the graph.")

clip = clamp
subtract, multiply, divide = sub, mul, div
negative = neg


def where(condition: ArrayLike, input: ArrayLike, other: ArrayLike) -> Any:
    """Elements of ``input`` where ``condition`` holds, else of ``other``.

    The branch not taken receives exactly zero gradient, even where its own derivative is
    infinite or NaN.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.tensor([0.0, 4.0], requires_grad=True)
    >>> fg.where(x > 0, x.sqrt(), fg.zeros(2)).sum().backward()
    >>> x.grad
    tensor([0.0000, 0.2500])
    """
    return ops.where(condition, input, other)


def stack(tensors: Iterable[ArrayLike], dim: int = 0) -> Any:
    """Join Tensors of equal shape along a new dimension ``dim``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.stack([fg.ones(2), fg.zeros(2)])
    tensor([[1., 1.],
            [0., 0.]])
    """
    return ops.stack(tuple(tensors), dim)


def cat(tensors: Iterable[ArrayLike], dim: int = 0) -> Any:
    """Join Tensors along an existing dimension ``dim``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.cat([fg.ones(1), fg.zeros(2)])
    tensor([1., 0., 0.])
    """
    return ops.cat(tuple(tensors), dim)


concat = concatenate = cat

"""PyTorch's top-level functions (``funcgrad.sum(x, dim=1)``), over the Tensor methods."""

from __future__ import annotations

from . import ops
from .creation import as_tensor
from .tensor import Tensor


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else as_tensor(x)


def _method(name, doc):
    def fn(input, *args, **kwargs):
        return getattr(_t(input), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


_UNARY = {
    "exp": "Elementwise exponential.", "log": "Elementwise natural logarithm.",
    "sin": "Elementwise sine.", "cos": "Elementwise cosine.", "tan": "Elementwise tangent.",
    "tanh": "Elementwise hyperbolic tangent.", "sigmoid": "Elementwise logistic sigmoid.",
    "relu": "Elementwise max(x, 0).", "sqrt": "Elementwise square root.",
    "abs": "Elementwise absolute value.", "neg": "Elementwise negation.",
    "sign": "Elementwise sign (zero gradient).", "floor": "Elementwise floor (zero gradient).",
    "ceil": "Elementwise ceiling (zero gradient).", "round": "Elementwise rounding (zero gradient).",
    "square": "Elementwise square.", "reciprocal": "Elementwise 1 / x.",
}
_REDUCTIONS = {
    "sum": "Sum over ``dim`` (all elements by default).", "mean": "Mean over ``dim``.",
    "prod": "Product over ``dim``.", "max": "Maximum (with ``dim``: values and indices).",
    "min": "Minimum (with ``dim``: values and indices).", "amax": "Maximum over ``dim``.",
    "amin": "Minimum over ``dim``.", "argmax": "Index of the maximum.",
    "argmin": "Index of the minimum.", "norm": "Vector norm.", "var": "Variance.",
    "std": "Standard deviation.", "logsumexp": "log(sum(exp(x))) over ``dim``, stably.",
    "softmax": "Softmax over ``dim``.", "log_softmax": "Log-softmax over ``dim``.",
    "all": "Whether all elements are true.", "any": "Whether any element is true.",
}
_SHAPE = {
    "reshape": "``input`` with a new shape.", "transpose": "Swap two dimensions.",
    "permute": "Permute the dimensions.", "squeeze": "Remove unit dimensions.",
    "unsqueeze": "Insert a unit dimension.", "flatten": "Flatten a range of dimensions.",
    "t": "Transpose a matrix.", "clone": "A recorded copy.", "matmul": "Matrix product.",
    "mm": "Product of two matrices.", "dot": "Inner product of two vectors.",
    "add": "Elementwise sum.", "sub": "Elementwise difference.", "mul": "Elementwise product.",
    "div": "Elementwise quotient.", "pow": "Elementwise power.", "eq": "Elementwise ==.",
    "ne": "Elementwise !=.", "lt": "Elementwise <.", "le": "Elementwise <=.",
    "gt": "Elementwise >.", "ge": "Elementwise >=.", "maximum": "Elementwise maximum.",
    "minimum": "Elementwise minimum.", "clamp": "Limit to [min, max].", "isnan": "Elementwise isnan.",
    "isfinite": "Elementwise isfinite.", "numel": "Number of elements.", "detach": "Cut from the graph.",
}
for _name, _doc in {**_UNARY, **_REDUCTIONS, **_SHAPE}.items():
    globals()[_name] = _method(_name, _doc)
# The elementwise functions are the primitives themselves: no wrapper on the hot path
# (``fg.tanh(t)`` costs what ``t.tanh()`` does; arrays in give arrays out, as funcgrad.numpy).
for _name in ("exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs",
              "neg", "floor", "ceil", "maximum", "minimum"):
    globals()[_name] = getattr(ops, _name)
clip = globals()["clamp"]
subtract, multiply, divide = globals()["sub"], globals()["mul"], globals()["div"]
negative = globals()["neg"]


def where(condition, input, other):
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


def stack(tensors, dim=0):
    """Join Tensors of equal shape along a new dimension ``dim``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.stack([fg.ones(2), fg.zeros(2)])
    tensor([[1., 1.],
            [0., 0.]])
    """
    return ops.stack(tuple(tensors), dim)


def cat(tensors, dim=0):
    """Join Tensors along an existing dimension ``dim``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.cat([fg.ones(1), fg.zeros(2)])
    tensor([1., 0., 0.])
    """
    return ops.cat(tuple(tensors), dim)


concat = concatenate = cat

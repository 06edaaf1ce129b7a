"""PyTorch's top-level functions (``funcgrad.sum(x, dim=1)``), over the Tensor methods."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .creation import as_tensor
from .tensor import Size, Tensor

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


# PyTorch's further top-level functions, each the Tensor method of its first argument.
flip = _method("flip", """Reverse the order of elements along ``dims``.

Examples
--------
>>> import funcgrad as fg
>>> fg.flip(fg.tensor([[1, 2], [3, 4]]), [1])
tensor([[2, 1],
        [4, 3]])
""")
roll = _method("roll", """Shift elements cyclically along ``dims`` (the flattened Tensor if None).

Examples
--------
>>> import funcgrad as fg
>>> fg.roll(fg.tensor([1, 2, 3, 4]), 1)
tensor([4, 1, 2, 3])
""")
gather = _method("gather", """Values along ``dim`` at ``index``: ``out[i][j] = input[i][index[i][j]]`` for ``dim=1``.

Examples
--------
>>> import funcgrad as fg
>>> fg.gather(fg.tensor([[1, 2], [3, 4]]), 1, fg.tensor([[0, 0], [1, 0]]))
tensor([[1, 1],
        [4, 3]])
""")
scatter = _method("scatter", """A copy of ``input`` with ``src`` written at ``index`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.scatter(fg.zeros(2, 3), 1, fg.tensor([[2], [0]]), fg.tensor([[5.0], [6.0]]))
tensor([[0., 0., 5.],
        [6., 0., 0.]])
""")
scatter_add = _method("scatter_add", """A copy of ``input`` with ``src`` added at ``index`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.scatter_add(fg.zeros(3), 0, fg.tensor([0, 0, 2]), fg.tensor([1.0, 2.0, 3.0]))
tensor([3., 0., 3.])
""")
index_select = _method("index_select", """The slices of ``input`` at ``index`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.index_select(fg.tensor([[1, 2], [3, 4]]), 0, fg.tensor([1, 1]))
tensor([[3, 4],
        [3, 4]])
""")
index_add = _method("index_add", """A copy of ``input`` with ``source``'s slices added at ``index`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.index_add(fg.zeros(3), 0, fg.tensor([0, 0]), fg.tensor([1.0, 2.0]))
tensor([3., 0., 0.])
""")
masked_fill = _method("masked_fill", """A copy of ``input`` with ``value`` where the bool ``mask`` is True.

Examples
--------
>>> import funcgrad as fg
>>> fg.masked_fill(fg.tensor([1.0, 2.0, 3.0]), fg.tensor([True, False, True]), 0.0)
tensor([0., 2., 0.])
""")
repeat_interleave = _method("repeat_interleave", """Each element (or slice along ``dim``) repeated ``repeats`` times in place.

Examples
--------
>>> import funcgrad as fg
>>> fg.repeat_interleave(fg.tensor([1, 2]), 2)
tensor([1, 1, 2, 2])
""")
tile = _method("tile", """``input`` tiled ``dims`` times along each dimension.

Examples
--------
>>> import funcgrad as fg
>>> fg.tile(fg.tensor([1, 2]), (2,))
tensor([1, 2, 1, 2])
""")
split = _method("split", """Split along ``dim`` into pieces of one size or of the sizes listed.

Examples
--------
>>> import funcgrad as fg
>>> fg.split(fg.arange(5), [2, 3])
(tensor([0, 1]), tensor([2, 3, 4]))
""")
chunk = _method("chunk", """Split along ``dim`` into ``chunks`` pieces of ``ceil(size / chunks)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.chunk(fg.arange(5), 3)
(tensor([0, 1]), tensor([2, 3]), tensor([4]))
""")
tensor_split = _method("tensor_split", """Split along ``dim`` into near-equal pieces or at the indices listed.

Examples
--------
>>> import funcgrad as fg
>>> fg.tensor_split(fg.arange(5), 2)
(tensor([0, 1, 2]), tensor([3, 4]))
""")
unbind = _method("unbind", """The slices along ``dim``, that dimension removed.

Examples
--------
>>> import funcgrad as fg
>>> fg.unbind(fg.tensor([[1, 2], [3, 4]]))
(tensor([1, 2]), tensor([3, 4]))
""")
narrow = _method("narrow", """The view of ``length`` elements of ``input`` from ``start`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.narrow(fg.arange(5), 0, 1, 3)
tensor([1, 2, 3])
""")
select = _method("select", """The slice of ``input`` at ``index`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.select(fg.tensor([[1, 2], [3, 4]]), 1, 0)
tensor([1, 3])
""")
movedim = _method("movedim", """Dimensions ``source`` moved to ``destination``.

Examples
--------
>>> import funcgrad as fg
>>> fg.movedim(fg.zeros(2, 3, 4), 0, -1).shape
funcgrad.Size([3, 4, 2])
""")
tril = _method("tril", """The lower triangle of the matrices in ``input``.

Examples
--------
>>> import funcgrad as fg
>>> fg.tril(fg.ones(2, 2))
tensor([[1., 0.],
        [1., 1.]])
""")
triu = _method("triu", """The upper triangle of the matrices in ``input``.

Examples
--------
>>> import funcgrad as fg
>>> fg.triu(fg.ones(2, 2))
tensor([[1., 1.],
        [0., 1.]])
""")
diag = _method("diag", """A vector made a diagonal matrix, or a matrix's diagonal.

Examples
--------
>>> import funcgrad as fg
>>> fg.diag(fg.tensor([1, 2]))
tensor([[1, 0],
        [0, 2]])
""")
diagonal = _method("diagonal", """The diagonal of the matrices in ``dim1`` and ``dim2``.

Examples
--------
>>> import funcgrad as fg
>>> fg.diagonal(fg.tensor([[1, 2], [3, 4]]))
tensor([1, 4])
""")
trace = _method("trace", """The sum of a matrix's diagonal.

Examples
--------
>>> import funcgrad as fg
>>> fg.trace(fg.tensor([[1.0, 2.0], [3.0, 4.0]]))
tensor(5.)
""")
take = _method("take", """Elements of the flattened ``input`` at ``index``.

Examples
--------
>>> import funcgrad as fg
>>> fg.take(fg.tensor([[1, 2], [3, 4]]), fg.tensor([0, 3]))
tensor([1, 4])
""")
take_along_dim = _method("take_along_dim", """Values at ``indices`` matched along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> x = fg.tensor([[3.0, 1.0], [2.0, 5.0]])
>>> fg.take_along_dim(x, fg.argsort(x, dim=1), dim=1)
tensor([[1., 3.],
        [2., 5.]])
""")
broadcast_to = _method("broadcast_to", """``input`` broadcast to ``size``.

Examples
--------
>>> import funcgrad as fg
>>> fg.broadcast_to(fg.tensor([1, 2]), (2, 2))
tensor([[1, 2],
        [1, 2]])
""")
rot90 = _method("rot90", """Rotate by 90 degrees ``k`` times in the plane of ``dims``.

Examples
--------
>>> import funcgrad as fg
>>> fg.rot90(fg.tensor([[1, 2], [3, 4]]))
tensor([[2, 4],
        [1, 3]])
""")
sort = _method("sort", """Sorted values and their indices along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.sort(fg.tensor([3.0, 1.0, 2.0]), descending=True)
funcgrad.return_types.sort(
values=tensor([3., 2., 1.]),
indices=tensor([0, 2, 1]))
""")
argsort = _method("argsort", """The indices that sort ``input`` along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.argsort(fg.tensor([3.0, 1.0, 2.0]))
tensor([1, 2, 0])
""")
msort = _method("msort", """``input`` sorted along dimension 0.

Examples
--------
>>> import funcgrad as fg
>>> fg.msort(fg.tensor([3.0, 1.0, 2.0]))
tensor([1., 2., 3.])
""")
topk = _method("topk", """The ``k`` largest (or smallest) values along ``dim`` and their indices.

Examples
--------
>>> import funcgrad as fg
>>> fg.topk(fg.tensor([1.0, 4.0, 2.0, 3.0]), 2)
funcgrad.return_types.topk(
values=tensor([4., 3.]),
indices=tensor([1, 3]))
""")
kthvalue = _method("kthvalue", """The ``k``-th smallest value along ``dim`` and its index.

Examples
--------
>>> import funcgrad as fg
>>> fg.kthvalue(fg.tensor([3.0, 1.0, 2.0]), 2)
funcgrad.return_types.kthvalue(
values=tensor(2.),
indices=tensor(2))
""")
median = _method("median", """The median (the lower middle value for an even count); with ``dim``, values and indices.

Examples
--------
>>> import funcgrad as fg
>>> fg.median(fg.tensor([1.0, 3.0, 2.0, 4.0]))
tensor(2.)
""")
quantile = _method("quantile", """The ``q``-th quantiles of ``input`` over ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.quantile(fg.tensor([0.0, 1.0, 2.0, 3.0]), 0.5)
tensor(1.5000)
""")
nanquantile = _method("nanquantile", """The ``q``-th quantiles ignoring NaN.

Examples
--------
>>> import funcgrad as fg
>>> fg.nanquantile(fg.tensor([0.0, float('nan'), 2.0]), 0.5)
tensor(1.)
""")
unique = _method("unique", """The sorted unique values, with the inverse indices and counts if asked.

Examples
--------
>>> import funcgrad as fg
>>> fg.unique(fg.tensor([2, 1, 2, 3]), return_inverse=True, return_counts=True)
(tensor([1, 2, 3]), tensor([1, 0, 1, 2]), tensor([1, 2, 1]))
""")
nonzero = _method("nonzero", """Indices of the nonzero elements.

Examples
--------
>>> import funcgrad as fg
>>> fg.nonzero(fg.tensor([0, 1, 0, 2]))
tensor([[1],
        [3]])
""")
argwhere = _method("argwhere", """Indices of the nonzero elements, an ``(n, ndim)`` Tensor.

Examples
--------
>>> import funcgrad as fg
>>> fg.argwhere(fg.tensor([[0, 1], [2, 0]]))
tensor([[0, 1],
        [1, 0]])
""")
count_nonzero = _method("count_nonzero", """The number of nonzero elements (over ``dim``).

Examples
--------
>>> import funcgrad as fg
>>> fg.count_nonzero(fg.tensor([0, 1, 0, 2]))
tensor(2)
""")
nansum = _method("nansum", """The sum over ``dim``, NaN counted as zero.

Examples
--------
>>> import funcgrad as fg
>>> fg.nansum(fg.tensor([1.0, float('nan'), 2.0]))
tensor(3.)
""")
nanmean = _method("nanmean", """The mean over ``dim`` of the values that are not NaN.

Examples
--------
>>> import funcgrad as fg
>>> fg.nanmean(fg.tensor([1.0, float('nan'), 2.0]))
tensor(1.5000)
""")
cumsum = _method("cumsum", """Running sum along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.cumsum(fg.tensor([1, 2, 3]), dim=0)
tensor([1, 3, 6])
""")
cumprod = _method("cumprod", """Running product along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.cumprod(fg.tensor([1, 2, 3]), dim=0)
tensor([1, 2, 6])
""")
cummax = _method("cummax", """Running maximum along ``dim`` and where it was reached.

Examples
--------
>>> import funcgrad as fg
>>> fg.cummax(fg.tensor([1.0, 3.0, 2.0, 4.0]), dim=0)
funcgrad.return_types.cummax(
values=tensor([1., 3., 3., 4.]),
indices=tensor([0, 1, 1, 3]))
""")
cummin = _method("cummin", """Running minimum along ``dim`` and where it was reached.

Examples
--------
>>> import funcgrad as fg
>>> fg.cummin(fg.tensor([3.0, 1.0, 2.0, 0.0]), dim=0)
funcgrad.return_types.cummin(
values=tensor([3., 1., 1., 0.]),
indices=tensor([0, 1, 1, 3]))
""")
logcumsumexp = _method("logcumsumexp", """``log(cumsum(exp(input)))`` along ``dim``, stably.

Examples
--------
>>> import funcgrad as fg
>>> fg.logcumsumexp(fg.tensor([0.0, 0.0]), dim=0)
tensor([0.0000, 0.6931])
""")
diff = _method("diff", """The ``n``-th forward difference along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.diff(fg.tensor([1, 3, 6]))
tensor([2, 3])
""")
mv = _method("mv", """Matrix-vector product.

Examples
--------
>>> import funcgrad as fg
>>> fg.mv(fg.tensor([[1.0, 2.0], [3.0, 4.0]]), fg.tensor([1.0, 1.0]))
tensor([3., 7.])
""")
bmm = _method("bmm", """Batched matrix product of two 3-D Tensors.

Examples
--------
>>> import funcgrad as fg
>>> fg.bmm(fg.ones(2, 1, 3), fg.ones(2, 3, 2)).shape
funcgrad.Size([2, 1, 2])
""")
addmm = _method("addmm", """``beta * input + alpha * (mat1 @ mat2)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.addmm(fg.ones(2, 2), fg.eye(2), fg.eye(2), alpha=2.0)
tensor([[3., 1.],
        [1., 3.]])
""")
addmv = _method("addmv", """``beta * input + alpha * (mat @ vec)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.addmv(fg.ones(2), fg.eye(2), fg.tensor([1.0, 2.0]))
tensor([2., 3.])
""")
baddbmm = _method("baddbmm", """``beta * input + alpha * (batch1 @ batch2)`` over a batch.

Examples
--------
>>> import funcgrad as fg
>>> fg.baddbmm(fg.zeros(1, 2, 2), fg.ones(1, 2, 3), fg.ones(1, 3, 2))
tensor([[[3., 3.],
         [3., 3.]]])
""")
outer = _method("outer", """Outer product of two vectors.

Examples
--------
>>> import funcgrad as fg
>>> fg.outer(fg.tensor([1, 2]), fg.tensor([1, 10]))
tensor([[ 1, 10],
        [ 2, 20]])
""")
ger = _method("ger", """Outer product of two vectors (old name of :func:`outer`).

Examples
--------
>>> import funcgrad as fg
>>> fg.ger(fg.tensor([1, 2]), fg.tensor([1, 10]))
tensor([[ 1, 10],
        [ 2, 20]])
""")
inner = _method("inner", """Inner product over the last dimension.

Examples
--------
>>> import funcgrad as fg
>>> fg.inner(fg.tensor([1.0, 2.0]), fg.tensor([3.0, 4.0]))
tensor(11.)
""")
kron = _method("kron", """Kronecker product.

Examples
--------
>>> import funcgrad as fg
>>> fg.kron(fg.eye(2), fg.tensor([[1.0, 2.0]]))
tensor([[1., 2., 0., 0.],
        [0., 0., 1., 2.]])
""")
cross = _method("cross", """Cross product of 3-vectors along ``dim``.

Examples
--------
>>> import funcgrad as fg
>>> fg.cross(fg.tensor([1.0, 0.0, 0.0]), fg.tensor([0.0, 1.0, 0.0]), dim=0)
tensor([0., 0., 1.])
""")
vdot = _method("vdot", """Dot product of two vectors, conjugating the first.

Examples
--------
>>> import funcgrad as fg
>>> fg.vdot(fg.tensor([1.0, 2.0]), fg.tensor([3.0, 4.0]))
tensor(11.)
""")
absolute = _method("absolute", """Elementwise absolute value.

Examples
--------
>>> import funcgrad as fg
>>> fg.absolute(fg.tensor([-1.0, 2.0]))
tensor([1., 2.])
""")
acos = _method("acos", """Elementwise arc cosine.

Examples
--------
>>> import funcgrad as fg
>>> fg.acos(fg.tensor([1.0, 0.0]))
tensor([0.0000, 1.5708])
""")
acosh = _method("acosh", """Elementwise inverse hyperbolic cosine.

Examples
--------
>>> import funcgrad as fg
>>> fg.acosh(fg.tensor([1.0]))
tensor([0.])
""")
asin = _method("asin", """Elementwise arc sine.

Examples
--------
>>> import funcgrad as fg
>>> fg.asin(fg.tensor([0.0, 1.0]))
tensor([0.0000, 1.5708])
""")
asinh = _method("asinh", """Elementwise inverse hyperbolic sine.

Examples
--------
>>> import funcgrad as fg
>>> fg.asinh(fg.tensor([0.0]))
tensor([0.])
""")
atan = _method("atan", """Elementwise arc tangent.

Examples
--------
>>> import funcgrad as fg
>>> fg.atan(fg.tensor([0.0, 1.0]))
tensor([0.0000, 0.7854])
""")
atanh = _method("atanh", """Elementwise inverse hyperbolic tangent.

Examples
--------
>>> import funcgrad as fg
>>> fg.atanh(fg.tensor([0.0]))
tensor([0.])
""")
atan2 = _method("atan2", """Elementwise arc tangent of ``input / other`` in the right quadrant.

Examples
--------
>>> import funcgrad as fg
>>> fg.atan2(fg.tensor([1.0]), fg.tensor([-1.0]))
tensor([2.3562])
""")
cosh = _method("cosh", """Elementwise hyperbolic cosine.

Examples
--------
>>> import funcgrad as fg
>>> fg.cosh(fg.tensor([0.0]))
tensor([1.])
""")
sinh = _method("sinh", """Elementwise hyperbolic sine.

Examples
--------
>>> import funcgrad as fg
>>> fg.sinh(fg.tensor([0.0]))
tensor([0.])
""")
log10 = _method("log10", """Elementwise base-10 logarithm.

Examples
--------
>>> import funcgrad as fg
>>> fg.log10(fg.tensor([1.0, 100.0]))
tensor([0.0000, 2.0000])
""")
log1p = _method("log1p", """Elementwise ``log(1 + x)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.log1p(fg.tensor([0.0]))
tensor([0.])
""")
log2 = _method("log2", """Elementwise base-2 logarithm.

Examples
--------
>>> import funcgrad as fg
>>> fg.log2(fg.tensor([1.0, 8.0]))
tensor([0., 3.])
""")
expm1 = _method("expm1", """Elementwise ``exp(x) - 1``.

Examples
--------
>>> import funcgrad as fg
>>> fg.expm1(fg.tensor([0.0]))
tensor([0.])
""")
exp2 = _method("exp2", """Elementwise ``2 ** x``.

Examples
--------
>>> import funcgrad as fg
>>> fg.exp2(fg.tensor([3.0]))
tensor([8.])
""")
erf = _method("erf", """Elementwise error function.

Examples
--------
>>> import funcgrad as fg
>>> fg.erf(fg.tensor([0.0, 1.0]))
tensor([0.0000, 0.8427])
""")
rsqrt = _method("rsqrt", """Elementwise ``1 / sqrt(x)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.rsqrt(fg.tensor([4.0]))
tensor([0.5000])
""")
sinc = _method("sinc", """Elementwise normalized sinc.

Examples
--------
>>> import funcgrad as fg
>>> fg.sinc(fg.tensor([0.0, 0.5]))
tensor([1.0000, 0.6366])
""")
sgn = _method("sgn", """The sign, ``x / |x|`` for complex numbers.

Examples
--------
>>> import funcgrad as fg
>>> fg.sgn(fg.tensor([-2.0, 0.0, 3.0]))
tensor([-1.,  0.,  1.])
""")
signbit = _method("signbit", """Whether the sign bit is set.

Examples
--------
>>> import funcgrad as fg
>>> fg.signbit(fg.tensor([-0.0, 1.0]))
tensor([ True, False])
""")
trunc = _method("trunc", """Elementwise rounding toward zero.

Examples
--------
>>> import funcgrad as fg
>>> fg.trunc(fg.tensor([-1.5, 1.5]))
tensor([-1.,  1.])
""")
fix = _method("fix", """Elementwise rounding toward zero.

Examples
--------
>>> import funcgrad as fg
>>> fg.fix(fg.tensor([-1.5, 1.5]))
tensor([-1.,  1.])
""")
frac = _method("frac", """The fractional part, ``x - trunc(x)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.frac(fg.tensor([-1.5, 1.25]))
tensor([-0.5000,  0.2500])
""")
fmod = _method("fmod", """Elementwise remainder with the sign of the dividend.

Examples
--------
>>> import funcgrad as fg
>>> fg.fmod(fg.tensor([-3.0, 3.0]), 2)
tensor([-1.,  1.])
""")
remainder = _method("remainder", """Elementwise remainder with the sign of the divisor.

Examples
--------
>>> import funcgrad as fg
>>> fg.remainder(fg.tensor([-3.0, 3.0]), 2)
tensor([1., 1.])
""")
floor_divide = _method("floor_divide", """Elementwise division rounded down.

Examples
--------
>>> import funcgrad as fg
>>> fg.floor_divide(fg.tensor([-3, 3]), 2)
tensor([-2,  1])
""")
float_power = _method("float_power", """Elementwise power in double precision.

Examples
--------
>>> import funcgrad as fg
>>> fg.float_power(fg.tensor([2]), 3)
tensor([8.], dtype=funcgrad.float64)
""")
hypot = _method("hypot", """Elementwise ``sqrt(input**2 + other**2)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.hypot(fg.tensor([3.0]), fg.tensor([4.0]))
tensor([5.])
""")
logaddexp = _method("logaddexp", """Elementwise ``log(exp(input) + exp(other))``.

Examples
--------
>>> import funcgrad as fg
>>> fg.logaddexp(fg.tensor([0.0]), fg.tensor([0.0]))
tensor([0.6931])
""")
xlogy = _method("xlogy", """Elementwise ``input * log(other)``, 0 where ``input`` is 0.

Examples
--------
>>> import funcgrad as fg
>>> fg.xlogy(fg.tensor([0.0, 1.0]), fg.tensor([0.0, 2.0]))
tensor([0.0000, 0.6931])
""")
deg2rad = _method("deg2rad", """Degrees converted to radians.

Examples
--------
>>> import funcgrad as fg
>>> fg.deg2rad(fg.tensor([180.0]))
tensor([3.1416])
""")
rad2deg = _method("rad2deg", """Radians converted to degrees.

Examples
--------
>>> import funcgrad as fg
>>> fg.rad2deg(fg.tensor([3.14159265]))
tensor([180.])
""")
lerp = _method("lerp", """Linear interpolation ``input + weight * (end - input)``.

Examples
--------
>>> import funcgrad as fg
>>> fg.lerp(fg.tensor([0.0, 1.0]), fg.tensor([10.0, 3.0]), 0.5)
tensor([5., 2.])
""")
logical_and = _method("logical_and", """Elementwise logical AND.

Examples
--------
>>> import funcgrad as fg
>>> fg.logical_and(fg.tensor([True, False]), fg.tensor([True, True]))
tensor([ True, False])
""")
logical_or = _method("logical_or", """Elementwise logical OR.

Examples
--------
>>> import funcgrad as fg
>>> fg.logical_or(fg.tensor([True, False]), fg.tensor([False, False]))
tensor([ True, False])
""")
logical_xor = _method("logical_xor", """Elementwise logical XOR.

Examples
--------
>>> import funcgrad as fg
>>> fg.logical_xor(fg.tensor([True, False]), fg.tensor([True, True]))
tensor([False,  True])
""")
logical_not = _method("logical_not", """Elementwise logical NOT.

Examples
--------
>>> import funcgrad as fg
>>> fg.logical_not(fg.tensor([True, False]))
tensor([False,  True])
""")
isinf = _method("isinf", """Whether each element is infinite.

Examples
--------
>>> import funcgrad as fg
>>> fg.isinf(fg.tensor([1.0, float('inf')]))
tensor([False,  True])
""")
isposinf = _method("isposinf", """Whether each element is positive infinity.

Examples
--------
>>> import funcgrad as fg
>>> fg.isposinf(fg.tensor([float('-inf'), float('inf')]))
tensor([False,  True])
""")
isneginf = _method("isneginf", """Whether each element is negative infinity.

Examples
--------
>>> import funcgrad as fg
>>> fg.isneginf(fg.tensor([float('-inf'), float('inf')]))
tensor([ True, False])
""")
isclose = _method("isclose", """Elementwise ``|input - other| <= atol + rtol * |other|``.

Examples
--------
>>> import funcgrad as fg
>>> fg.isclose(fg.tensor([1.0, 2.0]), fg.tensor([1.0, 2.1]))
tensor([ True, False])
""")
nan_to_num = _method("nan_to_num", """NaN and infinities replaced by finite numbers.

Examples
--------
>>> import funcgrad as fg
>>> fg.nan_to_num(fg.tensor([float('nan'), 1.0]))
tensor([0., 1.])
""")
clamp_min = _method("clamp_min", """Limit from below.

Examples
--------
>>> import funcgrad as fg
>>> fg.clamp_min(fg.tensor([-1.0, 2.0]), 0.0)
tensor([0., 2.])
""")
clamp_max = _method("clamp_max", """Limit from above.

Examples
--------
>>> import funcgrad as fg
>>> fg.clamp_max(fg.tensor([-1.0, 2.0]), 0.0)
tensor([-1.,  0.])
""")
unflatten = _method("unflatten", """Dimension ``dim`` of ``input`` expanded into ``sizes``.

Examples
--------
>>> import funcgrad as fg
>>> fg.unflatten(fg.zeros(2, 6), 1, (2, 3)).shape
funcgrad.Size([2, 2, 3])
""")
fliplr = _method("fliplr", """``input`` with its columns (dimension 1) reversed.

Examples
--------
>>> import funcgrad as fg
>>> fg.fliplr(fg.tensor([[1, 2], [3, 4]]))
tensor([[2, 1],
        [4, 3]])
""")
flipud = _method("flipud", """``input`` with its rows (dimension 0) reversed.

Examples
--------
>>> import funcgrad as fg
>>> fg.flipud(fg.tensor([[1, 2], [3, 4]]))
tensor([[3, 4],
        [1, 2]])
""")
arccos, arccosh, arcsin, arcsinh = acos, acosh, asin, asinh
arctan, arctanh, arctan2, moveaxis = atan, atanh, atan2, movedim


def einsum(equation: str, *operands: Any) -> Any:
    """Sum of products of ``operands``' elements, as the subscripts of ``equation`` say.

    The operands may also come as one list, as in PyTorch (``einsum("ij,jk", [a, b])``).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.einsum("ij,j->i", fg.tensor([[1.0, 2.0], [3.0, 4.0]]), fg.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    from . import numpy as fnp

    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return fnp.einsum(equation, *[_t(o) for o in operands])


def cdist(x1: ArrayLike, x2: ArrayLike, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The ``p``-norm distances between each row of ``x1`` and each row of ``x2``.

    ``x1`` is ``(..., P, M)`` and ``x2`` is ``(..., R, M)``; the result is ``(..., P, R)``.
    Where two rows coincide the gradient is zero (not NaN), as in PyTorch.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.cdist(fg.tensor([[0.0, 0.0]]), fg.tensor([[3.0, 4.0], [0.0, 1.0]]))
    tensor([[5., 1.]])
    """
    a, b = _t(x1), _t(x2)
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                           f"X2: {b.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    diff = ops.sub(ops.unsqueeze(a, -2), ops.unsqueeze(b, -3))
    if p == 2:
        squared = ops.sum(ops.mul(diff, diff), -1, False)
        # sqrt's derivative is infinite at 0: take it only where the distance is positive.
        positive = ops.greater(squared, 0)
        root = ops.sqrt(ops.where(positive, squared, 1.0))
        out: Tensor = ops.where(positive, root, 0.0)
        return out
    if p == 0:
        out = ops.sum(ops.astype(ops.not_equal(diff, 0), a._data.dtype), -1, False)
    elif p == float("inf"):
        out = ops.amax(ops.abs(diff), -1, False)
    else:
        out = ops.norm(diff, p, -1, False)
    return out


def allclose(input: ArrayLike, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether ``|input - other| <= atol + rtol * |other|`` holds for every element.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.allclose(fg.tensor([1.0, 2.0]), fg.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    return _t(input).allclose(other, rtol, atol, equal_nan)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D Tensors (``indexing='ij'``, PyTorch's default, or ``'xy'``).

    Examples
    --------
    >>> import funcgrad as fg
    >>> x, y = fg.meshgrid(fg.tensor([1, 2, 3]), fg.tensor([4, 5]), indexing="ij")
    >>> x
    tensor([[1, 1],
            [2, 2],
            [3, 3]])
    >>> y
    tensor([[4, 5],
            [4, 5],
            [4, 5]])
    """
    from . import numpy as fnp

    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"funcgrad.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    for t in tensors:
        if _t(t).ndim > 1:
            raise RuntimeError("funcgrad.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {_t(t)!r}")
    grids = fnp.meshgrid(*[_t(t) for t in tensors], indexing="ij" if indexing == "ij" else "xy")
    return tuple(grids)


def broadcast_tensors(*tensors: ArrayLike) -> tuple[Tensor, ...]:
    """The Tensors broadcast to their common shape.

    Examples
    --------
    >>> import funcgrad as fg
    >>> a, b = fg.broadcast_tensors(fg.tensor([1, 2]), fg.tensor([[0], [10]]))
    >>> b
    tensor([[ 0,  0],
            [10, 10]])
    """
    ts = [_t(t) for t in tensors]
    shape = tuple(np.broadcast_shapes(*[tuple(t.shape) for t in ts]))
    return tuple(ops.expand(t, shape) for t in ts)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that Tensors of ``shapes`` broadcast to.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.broadcast_shapes((2, 1), (3,))
    funcgrad.Size([2, 3])
    """
    return Size(np.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))

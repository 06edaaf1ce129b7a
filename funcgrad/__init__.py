"""funcgrad: automatic differentiation for NumPy and CuPy code.

Two faces over one tape: a PyTorch-style Tensor (``requires_grad``, ``backward``, ``.grad``)
and JAX-style function transforms.

Examples
--------
>>> import funcgrad as fg
>>> x = fg.ones(2, 2, requires_grad=True)
>>> out = ((x + 2) * (x + 2) * 3).mean()
>>> out.backward()
>>> x.grad
tensor([[4.5000, 4.5000],
        [4.5000, 4.5000]])
"""

from . import autograd, backend, creation, cuda, nn, ops, optim, testing, transforms, tree, viz
from ._dlpack import from_dlpack
from ._functional import (
    abs, add, all, amax, amin, any, argmax, argmin, cat, ceil, clamp, clip, clone, concat,
    concatenate, cos, detach, div, divide, dot, eq, exp, flatten, floor, ge, gt, isfinite, isnan,
    le, log, log_softmax, logsumexp, lt, matmul, max, maximum, mean, min, minimum, mm, mul,
    multiply, ne, neg, negative, norm, numel, permute, pow, prod, reciprocal, relu, reshape, round,
    sigmoid, sign, sin, softmax, sqrt, square, squeeze, stack, std, sub, subtract, sum, t, tan,
    tanh, transpose, unsqueeze, var, where,
)
from ._functional import (  # PyTorch's further functions
    absolute, acos, acosh, addmm, addmv, allclose, arccos, arccosh, arcsin, arcsinh, arctan,
    arctan2, arctanh, argsort, argwhere, asin, asinh, atan, atan2, atanh, baddbmm, bmm,
    broadcast_shapes, broadcast_tensors, broadcast_to, cdist, chunk, clamp_max, clamp_min,
    cosh, count_nonzero, cross, cummax, cummin, cumprod, cumsum, deg2rad, diag, diagonal, diff,
    einsum, erf, exp2, expm1, fix, flip, fliplr, flipud, float_power, floor_divide, fmod, frac,
    gather, ger,
    hypot, index_add, index_select, inner, isclose, isinf, isneginf, isposinf, kron, kthvalue,
    lerp, log10, log1p, log2, logaddexp, logcumsumexp, logical_and, logical_not, logical_or,
    logical_xor, masked_fill, median, meshgrid, moveaxis, movedim, msort, mv, nan_to_num,
    nanmean, nanquantile, nansum, narrow, nonzero, outer, quantile, rad2deg, remainder,
    repeat_interleave, roll, rot90, rsqrt, scatter, scatter_add, select, sgn, signbit, sinc,
    sinh, sort, split, take, take_along_dim, tensor_split, tile, topk, trace, tril, triu,
    trunc, unbind, unflatten, unique, vdot, xlogy,
)
from ._printing import get_printoptions, set_printoptions
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .backend import (
    bool_ as bool, complex64, complex128, dtype, float16, float32, float64, get_default_dtype,
    int8, int16, int32, int64, set_default_dtype, uint8,
)
from .creation import (
    BoolTensor, DoubleTensor, FloatTensor, Generator, HalfTensor, IntTensor, LongTensor, arange,
    as_tensor, empty, empty_like, eye, from_numpy, full, full_like, initial_seed, is_tensor,
    linspace, manual_seed, ones, ones_like, rand, rand_like, randint, randn, randn_like, seed,
    tensor, zeros, zeros_like,
)
from .tensor import Size, Tensor, device
from .transforms import (
    checkpoint, custom_jvp, custom_vjp, stop_gradient, grad, hessian, hvp, jacfwd, jacobian, jacrev, jvp, linearize, value_and_grad, vjp,
)

# torch's aliases for the dtypes
float = float32
double = float64
half = float16
long = int64
int = int32
cfloat = complex64
cdouble = complex128

__version__ = "0.1.0"

# The public names, so that type checkers count the imports above as this package's own.
__all__ = [
    # submodules
    "autograd", "backend", "creation", "cuda", "nn", "ops", "optim", "testing", "transforms", "tree",
    "viz",
    # functions over Tensors
    "abs", "add", "all", "amax", "amin", "any", "argmax", "argmin", "cat", "ceil", "clamp",
    "clip", "clone", "concat", "concatenate", "cos", "detach", "div", "divide", "dot", "eq",
    "exp", "flatten", "floor", "ge", "gt", "isfinite", "isnan", "le", "log", "log_softmax",
    "logsumexp", "lt", "matmul", "max", "maximum", "mean", "min", "minimum", "mm", "mul",
    "multiply", "ne", "neg", "negative", "norm", "numel", "permute", "pow", "prod", "reciprocal",
    "relu", "reshape", "round", "sigmoid", "sign", "sin", "softmax", "sqrt", "square", "squeeze",
    "stack", "std", "sub", "subtract", "sum", "t", "tan", "tanh", "transpose", "unsqueeze",
    "var", "where",
    "absolute", "acos", "acosh", "addmm", "addmv", "allclose", "arccos", "arccosh", "arcsin",
    "arcsinh", "arctan", "arctan2", "arctanh", "argsort", "argwhere", "asin", "asinh", "atan",
    "atan2", "atanh", "baddbmm", "bmm", "broadcast_shapes", "broadcast_tensors",
    "broadcast_to", "cdist", "chunk", "clamp_max", "clamp_min", "cosh", "count_nonzero",
    "cross", "cummax", "cummin", "cumprod", "cumsum", "deg2rad", "diag", "diagonal", "diff",
    "einsum", "erf", "exp2", "expm1", "fix", "flip", "fliplr", "flipud", "float_power", "floor_divide", "fmod",
    "frac", "gather", "ger", "hypot", "index_add", "index_select", "inner", "isclose", "isinf",
    "isneginf", "isposinf", "kron", "kthvalue", "lerp", "log10", "log1p", "log2", "logaddexp",
    "logcumsumexp", "logical_and", "logical_not", "logical_or", "logical_xor", "masked_fill",
    "median", "meshgrid", "moveaxis", "movedim", "msort", "mv", "nan_to_num", "nanmean",
    "nanquantile", "nansum", "narrow", "nonzero", "outer", "quantile", "rad2deg", "remainder",
    "repeat_interleave", "roll", "rot90", "rsqrt", "scatter", "scatter_add", "select", "sgn",
    "signbit", "sinc", "sinh", "sort", "split", "take", "take_along_dim", "tensor_split",
    "tile", "topk", "trace", "tril", "triu", "trunc", "unbind", "unflatten", "unique", "vdot", "xlogy",
    # printing, grad modes
    "get_printoptions", "set_printoptions", "enable_grad", "is_grad_enabled", "no_grad",
    "set_grad_enabled",
    # dtypes
    "bool", "complex64", "complex128", "dtype", "float16", "float32", "float64", "int8",
    "int16", "int32", "int64", "uint8", "float", "double", "half", "long", "int", "cfloat",
    "cdouble", "get_default_dtype", "set_default_dtype",
    # creation, random numbers
    "BoolTensor", "DoubleTensor", "FloatTensor", "Generator", "HalfTensor", "IntTensor",
    "LongTensor", "arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full",
    "from_dlpack", "full_like", "initial_seed", "is_tensor", "linspace", "manual_seed", "ones", "ones_like",
    "rand", "rand_like", "randint", "randn", "randn_like", "seed", "tensor", "zeros",
    "zeros_like",
    # Tensor
    "Size", "Tensor", "device",
    # transforms
    "checkpoint", "custom_jvp", "custom_vjp", "stop_gradient", "grad", "hessian", "hvp",
    "jacfwd", "jacobian", "jacrev", "jvp", "linearize", "value_and_grad", "vjp",
]

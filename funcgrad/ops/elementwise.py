"""Elementwise primitives: arithmetic, transcendental functions, comparisons, selection.

Binary primitives broadcast as NumPy does; their VJP rules return cotangents of the
broadcast shape and the engine sums them down once. Rules whose local derivative can be
infinite or NaN use :func:`_scale`, so that a zero cotangent (a branch that ``where``,
``clamp`` or ``maximum`` did not take) stays exactly zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import Tensor
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from . import _structure
from ._primitive import Const, Sample, defprimitive

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .._typing import Array, ArrayLike, DTypeLike
    from ._primitive import Primitive

_UNARY = [Sample((3, 4)), Sample(())]
_POSITIVE = [Sample((3, 4), low=0.3, high=2.0), Sample((), low=0.3, high=2.0)]
_BINARY = [Sample((3, 4), (3, 4)), Sample((2, 3, 1), (4,)), Sample((), (2, 2))]


def _scale(g: Any, r: Any) -> Any:
    """``r`` (a product ``g * derivative``), with 0 wherever ``g`` is exactly 0.

    ``0 * inf`` and ``0 / 0`` are NaN; a cotangent that is exactly zero must give exactly
    zero, or a branch not taken by ``where`` would poison the gradient. The check is one
    reduction and the fix runs only when a NaN is present.
    """
    data = _data(r)
    if data.dtype.kind in "fc" and np.isnan(data.sum()):
        return where(equal(g, 0), 0, r)
    return r


def _add_tangents(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return add(a, b)


# ---- arithmetic -------------------------------------------------------------------------


def _add_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return (g if needs[0] else None, g if needs[1] else None)


def _add_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _add_tangents(t[0], t[1])


def _add_forward(x: Array, y: Array) -> Array:
    out = x + y
    if _structure._DIAGONALS:  # (a dict: cheaper than a call on this hot path)
        _structure.after_add(out, x, y)
    return out


add = defprimitive("add", _add_forward, _add_vjp, _add_jvp, nin=2, save="--",
                   broadcasts=True, samples=_BINARY)


def _sub_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return (g if needs[0] else None, neg(g) if needs[1] else None)


def _sub_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    if t[1] is None:
        return t[0]
    return neg(t[1]) if t[0] is None else sub(t[0], t[1])


def _sub_forward(x: Array, y: Array) -> Array:
    out = x - y
    if _structure._DIAGONALS:  # (a dict: cheaper than a call on this hot path)
        _structure.after_add(out, x, y, -1)
    return out


sub = defprimitive("sub", _sub_forward, _sub_vjp, _sub_jvp, nin=2, save="--",
                   broadcasts=True, samples=_BINARY)


def _mul_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return (mul(g, y) if needs[0] else None, mul(g, x) if needs[1] else None)


def _mul_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _add_tangents(None if t[0] is None else mul(t[0], y), None if t[1] is None else mul(x, t[1]))


def _mul_forward(x: Array, y: Array) -> Array:
    out = x * y
    if _structure._DIAGONALS:  # (a dict: cheaper than a call on this hot path)
        _structure.after_mul(out, x, y)
    return out


mul = defprimitive("mul", _mul_forward, _mul_vjp, _mul_jvp, nin=2, save="xx",
                   broadcasts=True, samples=_BINARY)


def _div_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    gx = _scale(g, div(g, y))
    gy = _scale(g, neg(mul(gx, ans))) if needs[1] else None  # -g x / y^2 = -(g / y) (x / y)
    return (gx if needs[0] else None, gy)


def _div_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    num = _add_tangents(t[0], None if t[1] is None else neg(mul(ans, t[1])))
    return div(num, y)


div = defprimitive("div", lambda x, y: x / y, _div_vjp, _div_jvp, nin=2, save="-v",
                   save_output=True, broadcasts=True,
                   samples=[Sample((3, 4), (3, 4), low=0.5), Sample((2, 3, 1), (4,), low=0.5)])


def _neg_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    return (neg(g),)


def _neg_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return neg(t[0])


neg = defprimitive("neg", lambda x: -x, _neg_vjp, _neg_jvp, samples=_UNARY)


def _pow_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, p: Any) -> tuple[Any, ...]:
    gx = gp = None
    if needs[0] and not (isinstance(p, (int, float)) and p == 0):
        gx = _scale(g, mul(g, mul(p, power_minus_one(x, p))))
    if needs[1]:
        # d/dp x^p = x^p log x; at x == 0 the limit (for p > 0) is 0, as PyTorch uses.
        safe_x = where(equal(x, 0), 1, x)
        gp = _scale(g, mul(g, mul(ans, log(safe_x))))
    return (gx, gp)


def _pow_jvp(t: Sequence[Any], ans: Any, x: Any, p: Any) -> Any:
    out = None
    if t[0] is not None and not (isinstance(p, (int, float)) and p == 0):
        out = mul(t[0], mul(p, power_minus_one(x, p)))
    if t[1] is not None:
        out = _add_tangents(out, mul(t[1], mul(ans, log(where(equal(x, 0), 1, x)))))
    return out


def power_minus_one(x: Any, p: Any) -> Any:
    """``x ** (p - 1)``: the factor in the derivative of ``x ** p``."""
    return pow(x, sub(p, 1))


def _pick_pow(args: Sequence[Any]) -> int:
    x, p = args
    if isinstance(p, Tensor) or (isinstance(p, np.ndarray) and p.ndim > 0):
        return 2 if not isinstance(x, Tensor) else 1
    return 0


pow = defprimitive("pow", lambda x, p: x ** p, _pow_vjp, _pow_jvp, nin=2, save="vv",
                   save_output=True, broadcasts=True,
                   node_names=("PowBackward0", "PowBackward1", "PowBackward2"), pick_node=_pick_pow,
                   samples=[Sample((3, 4), (3, 4), low=0.5), Sample((3,), (), low=0.5),
                            Sample((2, 3), Const(3.0)), Sample((2,), Const(-1.5), low=0.5)])


def _remainder_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    gy = neg(mul(g, floor(div(x, y)))) if needs[1] else None
    return (g if needs[0] else None, gy)


def _remainder_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _add_tangents(t[0], None if t[1] is None else neg(mul(t[1], floor(div(x, y)))))


remainder = defprimitive("remainder", lambda x, y: x % y, _remainder_vjp, _remainder_jvp,
                         nin=2, save="vv", broadcasts=True,
                         samples=[Sample((3, 4), Const(0.7)), Sample((5,), (5,), low=0.6, high=0.9)])


def _zero_vjp(g: Any, needs: Sequence[bool], ans: Any, *args: Any) -> tuple[None, ...]:
    return (None,) * (len(needs))


def _zero_jvp(t: Sequence[Any], ans: Any, *args: Any) -> None:
    return None


def _zero_gradient(name: str, forward: Callable[..., Any], nin: int = 1) -> Primitive:
    """A primitive that is piecewise constant: its derivative is zero wherever defined."""
    samples = [Sample(*((3, 4),) * nin)]
    return defprimitive(name, forward, _zero_vjp, _zero_jvp, nin=nin,
                        save="-" * nin, broadcasts=nin > 1, samples=samples)


_sign_real = _zero_gradient("sign", np.sign)


def _is_complex(x: Any) -> bool:
    kind: str = getattr(_data(x), "dtype", np.dtype(type(x))).kind
    return kind == "c"


def _sgn_vjp(g: Any, needs: Sequence[bool], ans: Any, z: Any) -> tuple[Any, ...]:
    # sign(z) = z / |z| = exp(i angle z): d sign = i sign(z) Im(dz / z), whose transpose under
    # Re sum(a * b) is g -> i Im(g sign(z)) / z. Zero at z == 0, where sign(z) is 0.
    from .ufuncs import imag

    safe = where(equal(z, 0), 1, z)
    return (div(mul(imag(mul(g, ans)), 1j), safe),)


def _sgn_jvp(t: Sequence[Any], ans: Any, z: Any) -> Any:
    from .ufuncs import imag

    safe = where(equal(z, 0), 1, z)
    return mul(ans, mul(imag(div(t[0], safe)), 1j))


# Complex sign is not piecewise constant: its own primitive (PyTorch's sgn), which saves z.
sgn = defprimitive("sgn", np.sign, _sgn_vjp, _sgn_jvp, save="v", save_output=True,
                   samples=[Sample((3, 4), dtype=np.complex128), Sample((), dtype=np.complex128)])


def sign(x: Any) -> Any:
    """Elementwise sign: -1, 0 or 1 (zero gradient); ``z / |z|`` for complex ``z``."""
    return sgn(x) if _is_complex(x) else _sign_real(x)


floor = _zero_gradient("floor", np.floor)
ceil = _zero_gradient("ceil", np.ceil)
round = _zero_gradient("round", np.round)
trunc = _zero_gradient("trunc", np.trunc)
floor_divide = _zero_gradient("floor_divide", lambda x, y: x // y, nin=2)


# ---- functions with a diagonal Jacobian: both rules multiply by the derivative --------


def _diagonal(name: str, forward: Callable[..., Any], derivative: Callable[[Any], Any], *,
              of_output: bool, singular: bool = False,
              samples: Sequence[Sample] = _UNARY) -> Primitive:
    """Declare an elementwise primitive from its derivative ``derivative(x_or_ans)``.

    ``of_output``: the derivative is written in terms of the output (saved instead of the
    input). ``singular``: it can be infinite or NaN, so a zero cotangent is kept zero.
    """

    def vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
        r = mul(g, derivative(ans if of_output else x))
        return (_scale(g, r) if singular else r,)

    def jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
        return mul(t[0], derivative(ans if of_output else x))

    vjp.__name__, jvp.__name__ = f"_{name}_vjp", f"_{name}_jvp"
    vjp.__qualname__, jvp.__qualname__ = vjp.__name__, jvp.__name__
    return defprimitive(name, forward, vjp, jvp, save="-" if of_output else "v",
                        save_output=of_output, samples=samples)


def _exp_derivative(ans: Any) -> Any:
    return ans


def _log_derivative(x: Any) -> Any:
    return div(1, x)


def _sin_derivative(x: Any) -> Any:
    return cos(x)


def _cos_derivative(x: Any) -> Any:
    return neg(sin(x))


def _tan_derivative(ans: Any) -> Any:
    return add(1, mul(ans, ans))


def _tanh_derivative(ans: Any) -> Any:
    return sub(1, mul(ans, ans))


def _sigmoid_derivative(ans: Any) -> Any:
    return mul(ans, sub(1, ans))


def _sqrt_derivative(ans: Any) -> Any:
    return div(0.5, ans)


def _sigmoid_forward(x: Array) -> Array:
    # 1 / (1 + exp(-x)) overflows for large negative x, and 0.5 (tanh(x/2) + 1) cancels
    # there; with e = exp(-|x|) <= 1, 1 / (1 + e) and e / (1 + e) are both accurate.
    if x.dtype.kind == "c":  # holomorphic: no sign split in the complex plane
        return 0.5 * (np.tanh(0.5 * x) + 1)
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    out = np.where(x >= 0, r, e * r)  # (CuPy arrays take NumPy's functions too)
    return out[()] if isinstance(x, np.generic) else out


exp = _diagonal("exp", np.exp, _exp_derivative, of_output=True, singular=True)
log = _diagonal("log", np.log, _log_derivative, of_output=False, singular=True, samples=_POSITIVE)
sin = _diagonal("sin", np.sin, _sin_derivative, of_output=False)
cos = _diagonal("cos", np.cos, _cos_derivative, of_output=False)
tan = _diagonal("tan", np.tan, _tan_derivative, of_output=True, singular=True,
                samples=[Sample((3, 4), low=-1.2, high=1.2)])
tanh = _diagonal("tanh", np.tanh, _tanh_derivative, of_output=True)
sigmoid = _diagonal("sigmoid", _sigmoid_forward, _sigmoid_derivative, of_output=True)
sqrt = _diagonal("sqrt", np.sqrt, _sqrt_derivative, of_output=True, singular=True, samples=_POSITIVE)


def _abs_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    if _is_complex(x):
        # d|z| = Re(conj(sign z) dz); transposed: g -> g conj(sign z), for the real part of g.
        from .ufuncs import conj, real_cotangent

        return (mul(real_cotangent(g), conj(sign(x))),)
    return (mul(g, sign(x)),)


def _abs_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    if _is_complex(x):
        from .ufuncs import conj, real

        return real(mul(t[0], conj(sign(x))))
    return mul(t[0], sign(x))


abs = defprimitive("abs", np.abs, _abs_vjp, _abs_jvp, save="v",
                   samples=_UNARY + [Sample((3, 4), dtype=np.complex128)])


# ---- selection: each gives exactly zero cotangent to what it did not select ------------


def _relu_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    return (where(greater(ans, 0), g, 0),)


def _relu_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return where(greater(ans, 0), t[0], 0)


relu = defprimitive("relu", lambda x: np.maximum(x, 0), _relu_vjp, _relu_jvp, save="-",
                    save_output=True, samples=_UNARY)


def _where_forward(c: Array, x: Array, y: Array) -> Array:
    return np.where(c, x, y)


def _where_vjp(g: Any, needs: Sequence[bool], ans: Any, c: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return (None, where(c, g, 0) if needs[1] else None, where(c, 0, g) if needs[2] else None)


def _where_jvp(t: Sequence[Any], ans: Any, c: Any, x: Any, y: Any) -> Any:
    if t[1] is None and t[2] is None:
        return None
    return where(c, 0 if t[1] is None else t[1], 0 if t[2] is None else t[2])


_MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, True, False]])
where = defprimitive("where", _where_forward, _where_vjp, _where_jvp, nin=3, save="v--",
                     broadcasts=True,
                     samples=[Sample(Const(_MASK), (3, 4), (3, 4)), Sample(Const(_MASK[0]), (3, 1), ())])


def _max_mask(x: Any, y: Any, ties: float) -> Array:
    # 1 where x wins, 0.5 at ties (the gradient is shared, as in PyTorch and JAX), else 0.
    xd, yd = _data(x), _data(y)
    dtype = np.result_type(xd, yd)
    if dtype.kind not in "fc":
        dtype = np.dtype(np.float64)
    return np.where(np.greater(xd, yd), 1, np.where(np.equal(xd, yd), ties, 0)).astype(dtype)


def _maximum_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    mask = _max_mask(x, y, 0.5)
    gx = mul(g, mask) if needs[0] else None
    gy = mul(g, 1 - mask) if needs[1] else None
    return (gx, gy)


def _maximum_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    mask = _max_mask(x, y, 0.5)
    return _add_tangents(None if t[0] is None else mul(t[0], mask),
                         None if t[1] is None else mul(t[1], 1 - mask))


maximum = defprimitive("maximum", np.maximum, _maximum_vjp, _maximum_jvp, nin=2, save="vv",
                       broadcasts=True, samples=_BINARY)


def _minimum_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    # x is the minimum where y is the maximum of (y, x): the same masks, arguments swapped.
    return _maximum_vjp(g, needs, ans, y, x)


def _minimum_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _maximum_jvp(t, ans, y, x)


minimum = defprimitive("minimum", np.minimum, _minimum_vjp, _minimum_jvp, nin=2, save="vv",
                       broadcasts=True, samples=_BINARY)


def _clamp_forward(x: Array, lo: Any, hi: Any) -> Array:
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return np.clip(x, lo, hi)


def _clamp_mask(x: Any, lo: Any, hi: Any) -> Array:
    # Comparisons of x itself, so the mask is made where x lives (host or device).
    xd = _data(x)
    if lo is None:
        return xd <= hi
    if hi is None:
        return xd >= lo
    return (xd >= lo) & (xd <= hi)


def _clamp_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, lo: Any,
               hi: Any) -> tuple[Any, ...]:
    return (where(_clamp_mask(x, lo, hi), g, 0),)


def _clamp_jvp(t: Sequence[Any], ans: Any, x: Any, lo: Any, hi: Any) -> Any:
    return where(_clamp_mask(x, lo, hi), t[0], 0)


_clamp = defprimitive("clamp", _clamp_forward, _clamp_vjp, _clamp_jvp, save="v",
                      node_names=("ClampBackward1",),
                      samples=[Sample((3, 4), params=(-0.5, 0.7)), Sample((5,), params=(None, 0.3)),
                               Sample((5,), params=(0.1, None))])


def clamp(x: Any, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Any:
    """Limit ``x`` to ``[min, max]``; the gradient is zero where ``x`` was clipped.

    Bounds may be numbers, arrays or Tensors (Tensor bounds are differentiated too).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.clamp(fg.tensor([-2.0, 0.5, 3.0]), min=-1.0, max=1.0)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if min is not None:
            x = maximum(x, min)
        if max is not None:
            x = minimum(x, max)
        return x
    return _clamp(x, min, max)


# ---- no gradient: comparisons and logic -------------------------------------------------


def _nondiff(name: str, forward: Callable[..., Any], nin: int) -> Primitive:
    return defprimitive(name, forward, nin=nin, differentiable=False)


equal = _nondiff("equal", np.equal, 2)
not_equal = _nondiff("not_equal", np.not_equal, 2)
less = _nondiff("less", np.less, 2)
less_equal = _nondiff("less_equal", np.less_equal, 2)
greater = _nondiff("greater", np.greater, 2)
greater_equal = _nondiff("greater_equal", np.greater_equal, 2)
logical_and = _nondiff("logical_and", np.logical_and, 2)
logical_or = _nondiff("logical_or", np.logical_or, 2)
logical_xor = _nondiff("logical_xor", np.logical_xor, 2)
logical_not = _nondiff("logical_not", np.logical_not, 1)
isnan = _nondiff("isnan", np.isnan, 1)
isfinite = _nondiff("isfinite", np.isfinite, 1)
isinf = _nondiff("isinf", np.isinf, 1)


# ---- copies and casts -------------------------------------------------------------------


def _identity_vjp(g: Any, needs: Sequence[bool], ans: Any, *args: Any) -> tuple[Any, ...]:
    return (g,) + (None,) * (len(needs) - 1)


def _identity_jvp(t: Sequence[Any], ans: Any, *args: Any) -> Any:
    return t[0]


clone = defprimitive("clone", lambda x: x.copy(), _identity_vjp, _identity_jvp, samples=_UNARY)
# The same values, as a new node of the tape: transforms differentiate with respect to it.
alias = defprimitive("alias", lambda x: x, _identity_vjp, _identity_jvp, view=True, samples=_UNARY)


def _astype_forward(x: Array, dtype: DTypeLike, source_dtype: DTypeLike) -> Array:
    return x.astype(dtype)


def _astype_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, dtype: DTypeLike,
                source_dtype: DTypeLike) -> tuple[Any, ...]:
    if np.dtype(source_dtype).kind not in "fc":
        return (None,)
    from .ufuncs import cast_cotangent  # declared after this module

    return (cast_cotangent(g, source_dtype),)


def _astype_jvp(t: Sequence[Any], ans: Any, x: Any, dtype: DTypeLike,
                source_dtype: DTypeLike) -> Any:
    if np.dtype(dtype).kind not in "fc":
        return None
    return astype(t[0], dtype)


_astype = defprimitive("to_copy", _astype_forward, _astype_vjp, _astype_jvp, save="-",
                       samples=[Sample((3,), params=(np.float32, np.float64), eps=1e-2, rtol=1e-3)])


def astype(x: Any, dtype: DTypeLike) -> Any:
    """``x`` converted to ``dtype`` (a recorded copy: ``ToCopyBackward0``)."""
    return _astype(x, np.dtype(dtype), _data(x).dtype)


def _fill_forward(x: Array, value: Any) -> Array:
    return np.full_like(x, value)


fill = defprimitive("fill", _fill_forward, _zero_vjp, _zero_jvp, save="-",
                    samples=[Sample((3,), params=(2.0,))])


def _copy_forward(x: Array, src: Array) -> Array:
    return np.broadcast_to(src, np.shape(x)).astype(x.dtype)


def _copy_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, src: Any) -> tuple[Any, ...]:
    return (None, g if needs[1] else None)


def _copy_jvp(t: Sequence[Any], ans: Any, x: Any, src: Any) -> Any:
    return t[1]


# PyTorch names this node without the usual "0" suffix.
copy_from = defprimitive("copy", _copy_forward, _copy_vjp, _copy_jvp, nin=2, save="--",
                         broadcasts=True, node_names=("CopyBackwards",), samples=[Sample((3, 4), (4,))])

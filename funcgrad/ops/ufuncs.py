"""Primitives: elementwise math beyond the arithmetic core (NumPy's ufuncs): inverse
trigonometric and hyperbolic functions, exponentials and logarithms in other bases, two-argument
functions (arctan2, hypot, fmod, fmax, logaddexp, ...), sinc, and the parts of complex numbers.

Complex numbers follow JAX's convention. A holomorphic function's rules multiply by its complex
derivative, with no conjugation. The rules of the real-valued functions of a complex variable
(``abs``, ``angle``, ``real``, ``imag``) are the transposes of their JVPs under the pairing
``Re sum(a * b)``; their VJPs take the real part of the cotangent first, since a product of a
real value with a complex one can hand a real value a complex cotangent whose imaginary part
means nothing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Const, Sample, defprimitive
from .elementwise import (
    _add_tangents, _diagonal, _is_complex, _scale, _zero_gradient, add, astype, div, mul, neg,
    sigmoid, sqrt, sub,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._typing import Array, DTypeLike
    from ._primitive import Primitive

_C = np.complex128
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _samples(low: float = -2.0, high: float = 2.0, complex_low: float | None = None,
             complex_high: float | None = None) -> list[Sample]:
    """A matrix and a 0-d sample on ``[low, high]``; a complex matrix when a domain is given."""
    samples = [Sample((3, 4), low=low, high=high), Sample((), low=low, high=high)]
    if complex_low is not None:
        assert complex_high is not None, "a complex domain needs both bounds"
        samples.append(Sample((3, 4), low=complex_low, high=complex_high, dtype=_C))
    return samples


def real_cotangent(g: Any) -> Any:
    """``g`` without an imaginary part: the cotangent of a real-valued output."""
    return real(g) if _is_complex(g) else g


def cast_cotangent(g: Any, dtype: DTypeLike) -> Any:
    """``g`` as the cotangent of a value of ``dtype``: the real part for a real value (a
    complex cotangent's imaginary part says nothing about a real input), then the dtype."""
    dtype = np.dtype(dtype)
    if _data(g).dtype == dtype:
        return g
    if dtype.kind != "c":
        g = real_cotangent(g)
    return g if _data(g).dtype == dtype else astype(g, dtype)


# ---- unary functions with a diagonal Jacobian ------------------------------------------


def _arcsin_derivative(x: Any) -> Any:
    return div(1, sqrt(sub(1, mul(x, x))))


def _arccos_derivative(x: Any) -> Any:
    return div(-1, sqrt(sub(1, mul(x, x))))


def _arctan_derivative(x: Any) -> Any:
    return div(1, add(1, mul(x, x)))


def _sinh_derivative(x: Any) -> Any:
    return cosh(x)


def _cosh_derivative(x: Any) -> Any:
    return sinh(x)


def _arcsinh_derivative(x: Any) -> Any:
    return div(1, sqrt(add(mul(x, x), 1)))


def _arccosh_derivative(x: Any) -> Any:
    # sqrt(x - 1) sqrt(x + 1), not sqrt(x**2 - 1): the same for real x > 1, and the one that
    # follows NumPy's principal branch for complex x.
    return div(1, mul(sqrt(sub(x, 1)), sqrt(add(x, 1))))


def _arctanh_derivative(x: Any) -> Any:
    return div(1, sub(1, mul(x, x)))


def _exp2_derivative(ans: Any) -> Any:
    return mul(ans, _LN2)


def _expm1_derivative(ans: Any) -> Any:
    return add(ans, 1)


def _log2_derivative(x: Any) -> Any:
    return div(1 / _LN2, x)


def _log10_derivative(x: Any) -> Any:
    return div(1 / _LN10, x)


def _log1p_derivative(x: Any) -> Any:
    return div(1, add(x, 1))


def _cbrt_derivative(ans: Any) -> Any:
    return div(1, mul(3, mul(ans, ans)))


def _reciprocal_derivative(ans: Any) -> Any:
    return neg(mul(ans, ans))


_INSIDE_ONE = _samples(-0.9, 0.9, -0.9, 0.9)  # the real domain (-1, 1), away from the cuts

arcsin = _diagonal("arcsin", np.arcsin, _arcsin_derivative, of_output=False, singular=True,
                   samples=_INSIDE_ONE)
arccos = _diagonal("arccos", np.arccos, _arccos_derivative, of_output=False, singular=True,
                   samples=_INSIDE_ONE)
arctan = _diagonal("arctan", np.arctan, _arctan_derivative, of_output=False,
                   samples=_samples(complex_low=-0.9, complex_high=0.9))
sinh = _diagonal("sinh", np.sinh, _sinh_derivative, of_output=False, singular=True,
                 samples=_samples(complex_low=-2.0, complex_high=2.0))
cosh = _diagonal("cosh", np.cosh, _cosh_derivative, of_output=False, singular=True,
                 samples=_samples(complex_low=-2.0, complex_high=2.0))
arcsinh = _diagonal("arcsinh", np.arcsinh, _arcsinh_derivative, of_output=False,
                    samples=_samples(complex_low=-0.9, complex_high=0.9))
arccosh = _diagonal("arccosh", np.arccosh, _arccosh_derivative, of_output=False, singular=True,
                    samples=_samples(1.2, 3.0, 0.3, 2.0))
arctanh = _diagonal("arctanh", np.arctanh, _arctanh_derivative, of_output=False, singular=True,
                    samples=_INSIDE_ONE)
exp2 = _diagonal("exp2", np.exp2, _exp2_derivative, of_output=True, singular=True,
                 samples=_samples(complex_low=-2.0, complex_high=2.0))
expm1 = _diagonal("expm1", np.expm1, _expm1_derivative, of_output=True, singular=True,
                  samples=_samples(complex_low=-2.0, complex_high=2.0))
log2 = _diagonal("log2", np.log2, _log2_derivative, of_output=False, singular=True,
                 samples=_samples(0.3, 2.0, 0.3, 2.0))
log10 = _diagonal("log10", np.log10, _log10_derivative, of_output=False, singular=True,
                  samples=_samples(0.3, 2.0, 0.3, 2.0))
log1p = _diagonal("log1p", np.log1p, _log1p_derivative, of_output=False, singular=True,
                  samples=_samples(-0.7, 2.0, -0.5, 2.0))
cbrt = _diagonal("cbrt", np.cbrt, _cbrt_derivative, of_output=True, singular=True,
                 samples=[Sample((3, 4), low=0.3, high=2.0), Sample((5,), low=-2.0, high=-0.3),
                          Sample((), low=0.3, high=2.0)])
reciprocal = _diagonal("reciprocal", np.reciprocal, _reciprocal_derivative, of_output=True,
                       singular=True, samples=[Sample((3, 4), low=0.5, high=2.0),
                                               Sample((), low=-2.0, high=-0.5),
                                               Sample((3, 4), low=0.5, high=2.0, dtype=_C)])


# ---- sinc and its derivatives -----------------------------------------------------------


def _sinc_series(u: Array, order: int) -> Array:
    """The ``order``-th derivative of ``sin(u) / u`` by its Maclaurin series (for small ``u``).

    sin(u) / u = sum_n (-1)^n u^(2n) / (2n + 1)!, so its k-th derivative is
    sum over m = 2n - k >= 0 of (-1)^n u^m / ((2n + 1) m!).
    """
    m = order % 2
    power = u ** m / math.factorial(m)  # u^m / m!
    total = np.zeros_like(power)
    u2 = u * u
    while True:
        n = (m + order) // 2
        term = power * ((-1) ** n / (2 * n + 1))
        total = total + term
        if m > 2 * order + 8 and not np.any(np.abs(term) > 1e-18):
            return total
        power = power * u2 / ((m + 1) * (m + 2))
        m += 2


def _sinc_closed(u: Array, order: int) -> Array:
    """The ``order``-th derivative of ``sin(u) / u`` by Leibniz's rule (for ``|u|`` not small)."""
    # d^j sin(u) = sin(u + j pi / 2); d^i (1 / u) = (-1)^i i! / u^(i + 1).
    sines = (np.sin(u), np.cos(u), -np.sin(u), -np.cos(u))
    total = 0
    for j in range(order + 1):
        i = order - j
        coeff = math.comb(order, j) * (-1) ** i * math.factorial(i)
        total = total + coeff * sines[j % 4] / u ** (i + 1)
    return total


def _sinc_forward(x: Array, order: int) -> Array:
    if order == 0:
        return np.sinc(x)
    x = namespace(x).asarray(x)  # a Python scalar as a 0-d array, on x's device
    u = np.pi * x
    # The closed form loses digits to cancellation near 0, where the series converges fast;
    # at |u| = 1 + order / 2 both are accurate to a few ulps.
    small = np.abs(u) < 1 + order / 2
    out = np.empty_like(u)
    if np.any(small):
        out[small] = _sinc_series(u[small], order)
    if not np.all(small):
        big = ~small
        out[big] = _sinc_closed(u[big], order)
    return out * np.pi ** order


def _sinc_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, order: int) -> tuple[Any, ...]:
    return (mul(g, sinc(x, order + 1)),)


def _sinc_jvp(t: Sequence[Any], ans: Any, x: Any, order: int) -> Any:
    return mul(t[0], sinc(x, order + 1))


def _near_zero(a: Array) -> Array:
    a = a.copy()
    a.flat[0] = 0.0  # sinc's removable singularity itself
    a.flat[1] *= 1e-3
    return a


sinc = defprimitive("sinc", _sinc_forward, _sinc_vjp, _sinc_jvp, save="v",
                    samples=[Sample((3, 4), params=(0,)), Sample((), params=(0,)),
                             Sample((6,), params=(0,), make=_near_zero),
                             Sample((6,), params=(1,), make=_near_zero, low=-3.0, high=3.0),
                             Sample((6,), params=(2,), make=_near_zero, low=-3.0, high=3.0),
                             Sample((3, 4), params=(0,), dtype=_C, low=-1.5, high=1.5)])
sinc.__doc__ = """The ``order``-th derivative of ``sin(pi x) / (pi x)`` (``order=0``: NumPy's
``sinc``). Each order's rules call the next, so every derivative is exact at and near 0."""


# ---- the parts of complex numbers -------------------------------------------------------


def _real_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    # A real cotangent is already the complex one g + 0j: no conversion needed.
    return (real_cotangent(g) if _is_complex(x) else g,)


def _real_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return real(t[0]) if _is_complex(t[0]) else t[0]


real = defprimitive("real", np.real, _real_vjp, _real_jvp, save="v", view=True,
                    samples=[Sample((3, 4), dtype=_C), Sample((3, 4))])


def _imag_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    if not _is_complex(x):
        return (None,)  # the imaginary part of a real value is the constant 0
    # Im t = Re(-1j * t): the transpose takes g to -1j * g.
    return (mul(real_cotangent(g), -1j),)


def _imag_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return imag(t[0]) if _is_complex(x) else None


imag = defprimitive("imag", np.imag, _imag_vjp, _imag_jvp, save="v", view=True,
                    samples=[Sample((3, 4), dtype=_C), Sample((), dtype=_C), Sample((3, 4))])


def _conj_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    return (conj(g) if _is_complex(x) else g,)


def _conj_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return conj(t[0]) if _is_complex(x) else t[0]


conj = defprimitive("conj", np.conjugate, _conj_vjp, _conj_jvp, save="v",
                    samples=[Sample((3, 4), dtype=_C), Sample((3, 4))])


def _angle_vjp(g: Any, needs: Sequence[bool], ans: Any, z: Any, deg: bool) -> tuple[Any, ...]:
    if not _is_complex(z):
        return (None,)  # 0 or pi: piecewise constant
    # d angle = Im(dz / z); transposed: g -> -1j g / z.
    scale = -180j / math.pi if deg else -1j
    return (_scale(g, div(mul(real_cotangent(g), scale), z)),)


def _angle_jvp(t: Sequence[Any], ans: Any, z: Any, deg: bool) -> Any:
    if not _is_complex(z):
        return None
    d = imag(div(t[0], z))
    return mul(d, 180 / math.pi) if deg else d


angle = defprimitive("angle", np.angle, _angle_vjp, _angle_jvp, save="v",
                     samples=[Sample((3, 4), params=(False,), dtype=_C),
                              Sample((), params=(True,), dtype=_C),
                              Sample((3, 4), params=(False,))])


# ---- binary functions -------------------------------------------------------------------

_BINARY = [Sample((3, 4), (3, 4)), Sample((2, 3, 1), (4,)), Sample((), (2, 2))]


def _arctan2_vjp(g: Any, needs: Sequence[bool], ans: Any, y: Any, x: Any) -> tuple[Any, ...]:
    r2 = add(mul(x, x), mul(y, y))
    gy = _scale(g, div(mul(g, x), r2)) if needs[0] else None
    gx = _scale(g, neg(div(mul(g, y), r2))) if needs[1] else None
    return (gy, gx)


def _arctan2_jvp(t: Sequence[Any], ans: Any, y: Any, x: Any) -> Any:
    ty, tx = t
    num = _add_tangents(None if ty is None else mul(ty, x), None if tx is None else neg(mul(tx, y)))
    return div(num, add(mul(x, x), mul(y, y)))


arctan2 = defprimitive("arctan2", np.arctan2, _arctan2_vjp, _arctan2_jvp, nin=2, save="vv",
                       broadcasts=True, samples=_BINARY)


def _hypot_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    gx = _scale(g, div(mul(g, x), ans)) if needs[0] else None
    gy = _scale(g, div(mul(g, y), ans)) if needs[1] else None
    return (gx, gy)


def _hypot_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    tx, ty = t
    return div(_add_tangents(None if tx is None else mul(tx, x), None if ty is None else mul(ty, y)), ans)


hypot = defprimitive("hypot", np.hypot, _hypot_vjp, _hypot_jvp, nin=2, save="vv",
                     save_output=True, broadcasts=True, samples=_BINARY)


def _truncated_quotient(x: Any, y: Any) -> Array:
    # fmod(x, y) = x - trunc(x / y) y; the quotient is piecewise constant (no gradient).
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.trunc(np.divide(_data(x), _data(y)))


def _fmod_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    gy = neg(mul(g, _truncated_quotient(x, y))) if needs[1] else None
    return (g if needs[0] else None, gy)


def _fmod_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    tx, ty = t
    return _add_tangents(tx, None if ty is None else neg(mul(ty, _truncated_quotient(x, y))))


fmod = defprimitive("fmod", np.fmod, _fmod_vjp, _fmod_jvp, nin=2, save="vv", broadcasts=True,
                    samples=[Sample((3, 4), Const(0.7)), Sample((3, 4), Const(-0.7)),
                             Sample((5,), (5,), low=0.6, high=0.9)])


def _pick_mask(x: Any, y: Any, x_better: np.ufunc) -> Array:
    """1 where ``x`` is the result, 0.5 at ties (shared, as ``maximum``), else 0.

    NaN-ignoring: ``x`` is the result where ``y`` is NaN (also where both are: NumPy returns
    the first); ``y`` where only ``x`` is.
    """
    xd, yd = _data(x), _data(y)
    dtype = np.result_type(xd, yd)
    if dtype.kind not in "fc":
        dtype = np.dtype(np.float64)
    x_wins = x_better(xd, yd) | np.isnan(yd)
    return np.where(x_wins, 1, np.where(np.equal(xd, yd), 0.5, 0)).astype(dtype)


def _weighted_vjp(g: Any, needs: Sequence[bool], mask: Array) -> tuple[Any, ...]:
    return (mul(g, mask) if needs[0] else None, mul(g, 1 - mask) if needs[1] else None)


def _weighted_jvp(t: Sequence[Any], mask: Array) -> Any:
    return _add_tangents(None if t[0] is None else mul(t[0], mask),
                         None if t[1] is None else mul(t[1], 1 - mask))


def _fmax_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return _weighted_vjp(g, needs, _pick_mask(x, y, np.greater))


def _fmax_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _weighted_jvp(t, _pick_mask(x, y, np.greater))


def _fmin_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return _weighted_vjp(g, needs, _pick_mask(x, y, np.less))


def _fmin_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _weighted_jvp(t, _pick_mask(x, y, np.less))


_NAN_SAMPLE_X = np.array([[1.0, np.nan, 0.5, -1.0], [np.nan, 2.0, 0.3, 0.3]])
_NAN_SAMPLE_Y = np.array([[np.nan, 1.0, 0.5, 0.2], [np.nan, 1.0, 0.3, -0.7]])

fmax = defprimitive("fmax", np.fmax, _fmax_vjp, _fmax_jvp, nin=2, save="vv", broadcasts=True,
                    samples=_BINARY + [Sample((2, 4), Const(_NAN_SAMPLE_Y))])
fmin = defprimitive("fmin", np.fmin, _fmin_vjp, _fmin_jvp, nin=2, save="vv", broadcasts=True,
                    samples=_BINARY + [Sample(Const(_NAN_SAMPLE_X), (2, 4))])


def _logaddexp_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    # d/dx log(e^x + e^y) = sigmoid(x - y): exactly 1/2 at ties, where e^(x - ans) is not;
    # NaN when x and y are the same infinity (kept out of zero cotangents).
    gx = _scale(g, mul(g, sigmoid(sub(x, y)))) if needs[0] else None
    gy = _scale(g, mul(g, sigmoid(sub(y, x)))) if needs[1] else None
    return (gx, gy)


def _logaddexp_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _add_tangents(None if t[0] is None else mul(t[0], sigmoid(sub(x, y))),
                         None if t[1] is None else mul(t[1], sigmoid(sub(y, x))))


logaddexp = defprimitive("logaddexp", np.logaddexp, _logaddexp_vjp, _logaddexp_jvp, nin=2,
                         save="vv", broadcasts=True, samples=_BINARY)


def _logaddexp2_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    # d/dx log2(2^x + 2^y) = sigmoid((x - y) log 2).
    gx = _scale(g, mul(g, sigmoid(mul(sub(x, y), _LN2)))) if needs[0] else None
    gy = _scale(g, mul(g, sigmoid(mul(sub(y, x), _LN2)))) if needs[1] else None
    return (gx, gy)


def _logaddexp2_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return _add_tangents(None if t[0] is None else mul(t[0], sigmoid(mul(sub(x, y), _LN2))),
                         None if t[1] is None else mul(t[1], sigmoid(mul(sub(y, x), _LN2))))


logaddexp2 = defprimitive("logaddexp2", np.logaddexp2, _logaddexp2_vjp, _logaddexp2_jvp, nin=2,
                          save="vv", broadcasts=True, samples=_BINARY)


def _copysign_factor(x: Any, y: Any) -> Array:
    # copysign(x, y) = |x| s(y), s(y) = -1 where y's sign bit is set; d/dx = sign(x) s(y)
    # (0 at x == 0, as abs); y only moves the result through its sign: no gradient.
    return np.sign(_data(x)) * np.copysign(1.0, _data(y))


def _copysign_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    return (mul(g, _copysign_factor(x, y)) if needs[0] else None, None)


def _copysign_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return None if t[0] is None else mul(t[0], _copysign_factor(x, y))


copysign = defprimitive("copysign", np.copysign, _copysign_vjp, _copysign_jvp, nin=2,
                        save="vv", broadcasts=True, samples=_BINARY)


def _nextafter_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, y: Any) -> tuple[Any, ...]:
    # One ulp from x: the identity in x, piecewise constant in y.
    return (g if needs[0] else None, None)


def _nextafter_jvp(t: Sequence[Any], ans: Any, x: Any, y: Any) -> Any:
    return t[0]


nextafter = defprimitive("nextafter", np.nextafter, _nextafter_vjp, _nextafter_jvp, nin=2,
                         save="--", broadcasts=True, samples=_BINARY)


def _ldexp_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, e: Any) -> tuple[Any, ...]:
    # x 2^e is linear in x; the integer exponent has no gradient.
    return (ldexp(g, e) if needs[0] else None, None)


def _ldexp_jvp(t: Sequence[Any], ans: Any, x: Any, e: Any) -> Any:
    return None if t[0] is None else ldexp(t[0], e)


ldexp = defprimitive("ldexp", np.ldexp, _ldexp_vjp, _ldexp_jvp, nin=2, save="-v",
                     broadcasts=True,
                     samples=[Sample((3, 4), Const(np.array([-3, 0, 2, 5]))), Sample((), Const(4)),
                              Sample((2,), Const(np.array([[1], [-1]])))])


# ---- piecewise constant: zero gradient ----------------------------------------------

heaviside = _zero_gradient("heaviside", np.heaviside, nin=2)
spacing = _zero_gradient("spacing", np.spacing)


# ---- no gradient: signs and integer ufuncs --------------------------------------------


def _nondiff(ufunc: np.ufunc) -> Primitive:
    return defprimitive(ufunc.__name__, ufunc, nin=ufunc.nin, differentiable=False)


signbit = _nondiff(np.signbit)
bitwise_and = _nondiff(np.bitwise_and)
bitwise_or = _nondiff(np.bitwise_or)
bitwise_xor = _nondiff(np.bitwise_xor)
bitwise_count = _nondiff(np.bitwise_count)
invert = _nondiff(np.invert)
left_shift = _nondiff(np.left_shift)
right_shift = _nondiff(np.right_shift)
gcd = _nondiff(np.gcd)
lcm = _nondiff(np.lcm)

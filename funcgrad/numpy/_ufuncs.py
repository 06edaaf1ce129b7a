"""Elementwise math (NumPy's ufuncs): trigonometric, hyperbolic, exponential and logarithmic
functions, powers, rounding, two-argument functions, complex parts.

Each function takes NumPy's arguments. Given no Tensor it calls NumPy and returns what NumPy
returns. Given a Tensor it records: ``dtype=`` is honoured, ``out=`` raises a TypeError (an
output written in place cannot be differentiated) and so does ``where=``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .. import ops
from .._typing import ArrayLike, DTypeLike
from ..ops import ufuncs as _u
from ._arrays import array_of
from ..tensor import Tensor, _from_array

# Listed here, not collected by the factories below, so that type checkers see the names.
__all__ = [
    "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "arctan2",
    "hypot", "asin", "acos", "atan", "asinh", "acosh", "atanh", "atan2", "deg2rad", "rad2deg",
    "radians", "degrees", "exp2", "expm1", "log2", "log10", "log1p", "logaddexp", "logaddexp2",
    "cbrt", "square", "reciprocal", "float_power", "pow", "ldexp", "frexp", "fabs", "positive",
    "copysign", "heaviside", "rint", "spacing", "nextafter", "modf", "fmax", "fmin", "fmod",
    "remainder", "mod", "floor_divide", "divmod", "conjugate", "conj", "iscomplex", "isreal",
    "isposinf", "isneginf", "real", "imag", "angle", "sinc", "fix", "real_if_close",
    "nan_to_num", "iscomplexobj", "isrealobj", "signbit", "bitwise_and", "bitwise_or",
    "bitwise_xor", "left_shift", "right_shift", "gcd", "lcm", "invert", "bitwise_count",
    "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "bitwise_invert",
]
# NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}
# NumPy function -> funcgrad function (for __array_function__)
NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}

_IMPORTS = ">>> import funcgrad as fg, funcgrad.numpy as fnp\n"


class _UnaryUfunc(Protocol):
    """The call signature of funcgrad's one-input ufuncs (``fnp.sinh``, ...): NumPy's.

    ``kwargs`` are NumPy's ufunc keywords (``dtype``, ``casting``, ...); ``out`` must be None.
    """

    def __call__(self, x: ArrayLike, /, out: None = None, **kwargs: Any) -> Any: ...


class _BinaryUfunc(Protocol):
    """The call signature of funcgrad's two-input ufuncs (``fnp.hypot``, ...): NumPy's.

    ``kwargs`` are NumPy's ufunc keywords (``dtype``, ``casting``, ...); ``out`` must be None.
    """

    def __call__(self, x1: ArrayLike, x2: ArrayLike, /, out: None = None,
                 **kwargs: Any) -> Any: ...


class _NoGradFunction(Protocol):
    """The call signature of funcgrad's predicates (``fnp.isreal``, ...): NumPy's arguments."""

    def __call__(self, x: ArrayLike, *args: Any, **kwargs: Any) -> Any: ...


def _no_out(name: str) -> TypeError:
    return TypeError(f"funcgrad.numpy.{name}: out= cannot be differentiated; assign the result instead")


def _on_tensors(name: str, fn: Callable[..., Any], args: tuple[Any, ...],
                kwargs: dict[str, Any]) -> Any:
    """``fn(*args)`` for arguments that include a Tensor, with the ufunc keywords that apply."""
    dtype = kwargs.pop("dtype", None)
    if kwargs.pop("where", True) is not True:
        raise TypeError(f"funcgrad.numpy.{name}: where= is not differentiable; select from the "
                        f"result with funcgrad.numpy.where instead")
    for ignored in ("casting", "order", "subok"):  # no effect on a new, owned result
        kwargs.pop(ignored, None)
    if kwargs:
        raise TypeError(f"funcgrad.numpy.{name} on Tensors takes no {sorted(kwargs)}")
    if dtype is None:
        return fn(*args)
    # NumPy computes in ``dtype``: cast the floating inputs first, then the result.
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        args = tuple(ops.astype(a, dtype) if isinstance(a, Tensor) and a._data.dtype.kind in "fc"
                     and a._data.dtype != dtype else a for a in args)
    out = fn(*args)
    if isinstance(out, tuple):
        return tuple(_cast(o, dtype) for o in out)
    return _cast(out, dtype)


def _cast(x: Any, dtype: DTypeLike) -> Any:
    return ops.astype(x, dtype) if isinstance(x, Tensor) and x._data.dtype != dtype else x


def _publish(fn: Callable[..., Any], ufunc: np.ufunc, on_tensors: Callable[..., Any], name: str,
             summary: str, example: str) -> None:
    """Name and document ``fn``, and map ``ufunc`` to ``on_tensors`` for ``__array_ufunc__``."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{summary}\n\nExamples\n--------\n{_IMPORTS}{example}"
    NUMPY_UFUNCS[ufunc] = on_tensors


def _unary(ufunc: np.ufunc, on_tensors: Callable[..., Any], summary: str,
           example: str) -> _UnaryUfunc:
    """A public function with the one-input NumPy ``ufunc``'s name and calling convention.

    Without a Tensor among its arguments it is ``ufunc`` itself; with one, ``on_tensors``
    (which the ``__array_ufunc__`` table maps ``ufunc`` to, as well).
    """
    assert ufunc.nin == 1, ufunc
    name = ufunc.__name__

    def fn(x: ArrayLike, /, out: None = None, **kwargs: Any) -> Any:
        if out is not None:
            raise _no_out(name)
        if isinstance(x, Tensor):
            return _on_tensors(name, on_tensors, (x,), kwargs) if kwargs else on_tensors(x)
        return ufunc(x, **kwargs)

    _publish(fn, ufunc, on_tensors, name, summary, example)
    return fn


def _binary(ufunc: np.ufunc, on_tensors: Callable[..., Any], summary: str, example: str,
            name: str | None = None) -> _BinaryUfunc:
    """A public function with the two-input NumPy ``ufunc``'s name (or ``name``) and calling
    convention, as :func:`_unary` makes for one input."""
    assert ufunc.nin == 2, ufunc
    name_ = name or ufunc.__name__

    def fn(x1: ArrayLike, x2: ArrayLike, /, out: None = None, **kwargs: Any) -> Any:
        if out is not None:
            raise _no_out(name_)
        if isinstance(x1, Tensor) or isinstance(x2, Tensor):
            if kwargs:
                return _on_tensors(name_, on_tensors, (x1, x2), kwargs)
            return on_tensors(x1, x2)
        return ufunc(x1, x2, **kwargs)

    _publish(fn, ufunc, on_tensors, name_, summary, example)
    return fn


def _loop_inputs(ufunc: np.ufunc, *args: ArrayLike) -> tuple[Any, ...]:
    """``args`` with each Tensor cast to the dtype of the loop NumPy's ``ufunc`` would run.

    For composites whose primitives keep dtypes NumPy's ufunc changes (``fabs`` of integers
    is floating, ``square`` of booleans int8); a dtype the ufunc has no loop for raises
    NumPy's TypeError.
    """
    dtypes: list[Any] = []
    for a in args:
        if isinstance(a, Tensor):
            dtypes.append(a._data.dtype)
        elif isinstance(a, bool):
            dtypes.append(np.dtype(bool))
        elif isinstance(a, (int, float, complex)):
            dtypes.append(type(a))  # a Python number is weakly typed (NEP 50)
        else:
            dtypes.append(array_of(a).dtype)
    key = (ufunc, tuple(dtypes))
    loop = _LOOPS.get(key)
    if loop is None:
        loop = _LOOPS[key] = ufunc.resolve_dtypes(key[1] + (None,) * ufunc.nout)
    return tuple(_cast(a, dt) for a, dt in zip(args, loop))


# (ufunc, input dtypes) -> the dtypes of NumPy's loop
_LOOPS: dict[tuple[np.ufunc, tuple[Any, ...]], tuple[Any, ...]] = {}


# ---- composites: existing primitives, with the dtypes of NumPy's ufunc ------------------


def _square(x: ArrayLike) -> Any:
    (x,) = _loop_inputs(np.square, x)
    return ops.mul(x, x)


def _fabs(x: ArrayLike) -> Any:
    return ops.abs(*_loop_inputs(np.fabs, x))


def _rint(x: ArrayLike) -> Any:
    return ops.round(*_loop_inputs(np.rint, x))


def _positive(x: ArrayLike) -> Any:
    return ops.clone(*_loop_inputs(np.positive, x))


def _deg2rad(x: ArrayLike) -> Any:
    return ops.mul(*_loop_inputs(np.deg2rad, x), math.pi / 180.0)


def _rad2deg(x: ArrayLike) -> Any:
    return ops.mul(*_loop_inputs(np.rad2deg, x), 180.0 / math.pi)


def _float_power(x1: ArrayLike, x2: ArrayLike) -> Any:
    return ops.pow(*_loop_inputs(np.float_power, x1, x2))


def _divmod(x1: ArrayLike, x2: ArrayLike) -> tuple[Any, Any]:
    return ops.floor_divide(x1, x2), ops.remainder(x1, x2)


def _modf(x: Tensor) -> tuple[Any, Any]:
    (x,) = _loop_inputs(np.modf, x)
    whole = ops.trunc(x)
    data = x._data
    infinite = np.isinf(data)
    with np.errstate(invalid="ignore"):
        fraction = _u.fmod(x, 1.0)  # x - trunc(x), with the sign of x (-0.0 for -2.0, as modf)
    if infinite.any():  # modf(inf) is (0.0, inf), where fmod gives NaN
        fraction = ops.where(infinite, np.modf(data)[0], fraction)
    return fraction, whole


def _frexp(x: Tensor) -> tuple[Any, Tensor]:
    (x,) = _loop_inputs(np.frexp, x)
    exponent = np.frexp(x._data)[1]
    # The mantissa is x scaled by a power of two: exact, and linear in x.
    return _u.ldexp(x, -exponent), _from_array(exponent)


# ---- trigonometric and hyperbolic --------------------------------------------------------

arcsin = _unary(np.arcsin, _u.arcsin, "Inverse sine, elementwise.", """\
>>> fnp.arcsin(0.5)
np.float64(0.5235987755982989)
>>> fg.grad(fnp.arcsin)(0.6)            # 1 / sqrt(1 - x**2)
1.25
""")
arccos = _unary(np.arccos, _u.arccos, "Inverse cosine, elementwise.", """\
>>> fg.grad(fnp.arccos)(0.6)            # -1 / sqrt(1 - x**2)
-1.25
""")
arctan = _unary(np.arctan, _u.arctan, "Inverse tangent, elementwise.", """\
>>> fg.grad(fnp.arctan)(1.0)            # 1 / (1 + x**2)
0.5
""")
sinh = _unary(np.sinh, _u.sinh, "Hyperbolic sine, elementwise.", """\
>>> fg.grad(fnp.sinh)(0.0)              # cosh(x)
1.0
""")
cosh = _unary(np.cosh, _u.cosh, "Hyperbolic cosine, elementwise.", """\
>>> fg.grad(fnp.cosh)(0.0)              # sinh(x)
0.0
""")
arcsinh = _unary(np.arcsinh, _u.arcsinh, "Inverse hyperbolic sine, elementwise.", """\
>>> fg.grad(fnp.arcsinh)(0.75)          # 1 / sqrt(x**2 + 1)
0.8
""")
arccosh = _unary(np.arccosh, _u.arccosh, "Inverse hyperbolic cosine, elementwise.", """\
>>> fg.grad(fnp.arccosh)(1.25)          # 1 / sqrt(x**2 - 1)
1.3333333333333333
""")
arctanh = _unary(np.arctanh, _u.arctanh, "Inverse hyperbolic tangent, elementwise.", """\
>>> fg.grad(fnp.arctanh)(0.5)           # 1 / (1 - x**2)
1.3333333333333333
""")
arctan2 = _binary(np.arctan2, _u.arctan2, """Angle of the point ``(x2, x1)``, elementwise.

The derivatives, ``x2 / r**2`` and ``-x1 / r**2``, are NaN at the origin (unless the cotangent
there is zero).""", """\
>>> fg.grad(fnp.arctan2, argnums=(0, 1))(1.0, 1.0)
(0.5, -0.5)
""")
hypot = _binary(np.hypot, _u.hypot, "``sqrt(x1**2 + x2**2)``, elementwise, without overflow.", """\
>>> fg.grad(fnp.hypot, argnums=(0, 1))(3.0, 4.0)
(0.6, 0.8)
""")
asin, acos, atan, asinh, acosh, atanh, atan2 = (
    arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2)
deg2rad = _unary(np.deg2rad, _deg2rad, "Degrees to radians, elementwise.", """\
>>> fg.grad(fnp.deg2rad)(90.0) * 180
3.141592653589793
""")
rad2deg = _unary(np.rad2deg, _rad2deg, "Radians to degrees, elementwise.", """\
>>> fg.grad(fnp.rad2deg)(1.0) * fnp.pi
180.0
""")
radians = _unary(np.radians, _deg2rad, "Degrees to radians (``deg2rad``), elementwise.", """\
>>> fnp.radians(180.0)
np.float64(3.141592653589793)
""")
degrees = _unary(np.degrees, _rad2deg, "Radians to degrees (``rad2deg``), elementwise.", """\
>>> fnp.degrees(fg.tensor([fnp.pi / 2]))
tensor([90.])
""")

# ---- exponentials, logarithms, powers ----------------------------------------------------

exp2 = _unary(np.exp2, _u.exp2, "``2**x``, elementwise.", """\
>>> fg.grad(fnp.exp2)(3.0)              # 2**x log(2)
5.545177444479562
""")
expm1 = _unary(np.expm1, _u.expm1, "``exp(x) - 1``, elementwise, accurate for small ``x``.", """\
>>> fnp.expm1(1e-10)
np.float64(1.00000000005e-10)
>>> fg.grad(fnp.expm1)(0.0)
1.0
""")
log2 = _unary(np.log2, _u.log2, "Base-2 logarithm, elementwise.", """\
>>> fg.grad(fnp.log2)(0.5) * fnp.log(2.0)   # 1 / (x log 2)
np.float64(2.0)
""")
log10 = _unary(np.log10, _u.log10, "Base-10 logarithm, elementwise.", """\
>>> fnp.log10(fg.tensor([10.0, 100.0], dtype=fg.float64))
tensor([1., 2.], dtype=funcgrad.float64)
""")
log1p = _unary(np.log1p, _u.log1p, """``log(1 + x)``, elementwise, accurate for small ``x``.

At ``x = -1`` the derivative is infinite; a zero cotangent there still gives zero.""", """\
>>> fg.grad(fnp.log1p)(1.0)             # 1 / (1 + x)
0.5
""")
logaddexp = _binary(np.logaddexp, _u.logaddexp, "``log(exp(x1) + exp(x2))``, elementwise, "
                   "without overflow.", """\
>>> fg.grad(fnp.logaddexp, argnums=(0, 1))(1000.0, 1000.0)
(0.5, 0.5)
""")
logaddexp2 = _binary(np.logaddexp2, _u.logaddexp2, "``log2(2**x1 + 2**x2)``, elementwise.", """\
>>> fg.grad(fnp.logaddexp2, argnums=(0, 1))(3.0, 3.0)
(0.5, 0.5)
""")
cbrt = _unary(np.cbrt, _u.cbrt, """Cube root, elementwise (real inputs).

The derivative ``1 / (3 cbrt(x)**2)`` is infinite at 0; a zero cotangent there stays zero.""",
              """\
>>> fg.grad(fnp.cbrt)(8.0)              # 1 / (3 * 4)
0.08333333333333333
""")
square = _unary(np.square, _square, "``x * x``, elementwise.", """\
>>> fg.grad(fnp.square)(3.0)
6.0
""")
reciprocal = _unary(np.reciprocal, _u.reciprocal, "``1 / x``, elementwise (integer division "
                    "for integers, as NumPy).", """\
>>> fg.grad(fnp.reciprocal)(2.0)        # -1 / x**2
-0.25
""")
float_power = _binary(np.float_power, _float_power, "``x1 ** x2`` computed in float64 (or "
                     "complex128), elementwise.", """\
>>> fnp.float_power(fg.tensor([2.0], dtype=fg.float32), 3)
tensor([8.], dtype=funcgrad.float64)
>>> fg.grad(fnp.float_power, argnums=(0, 1))(2.0, 3.0)
(12.0, 5.545177444479562)
""")
pow = _binary(np.power, ops.pow, "``x1 ** x2``, elementwise (NumPy 2's alias of ``power``).", """\
>>> fg.grad(fnp.pow)(3.0, 2)
6.0
""", name="pow")
ldexp = _binary(np.ldexp, _u.ldexp, """``x1 * 2**x2`` for integer ``x2``, elementwise.

Differentiable in ``x1``; the integer exponent has no gradient.""", """\
>>> fg.grad(fnp.ldexp)(1.5, 3)
8.0
""")
frexp = _unary(np.frexp, _frexp, """Mantissa and exponent: ``x = mantissa * 2**exponent``.

The mantissa is differentiable (``2**-exponent``); the exponent is an integer array.""", """\
>>> m, e = fnp.frexp(fg.tensor([12.0], requires_grad=True))
>>> m, e
(tensor([0.7500], grad_fn=<LdexpBackward0>), tensor([4], dtype=funcgrad.int32))
""")

# ---- absolute values, signs, rounding ------------------------------------------------

fabs = _unary(np.fabs, _fabs, "Absolute value of real numbers, elementwise, as floats.", """\
>>> fg.grad(fnp.fabs)(-2.0)
-1.0
""")
positive = _unary(np.positive, _positive, "``+x``: a copy, elementwise.", """\
>>> fg.grad(fnp.positive)(2.0)
1.0
""")
copysign = _binary(np.copysign, _u.copysign, """``|x1|`` with the sign of ``x2``, elementwise.

The gradient goes to ``x1`` (``x2`` only chooses a sign).""", """\
>>> fg.grad(fnp.copysign, argnums=(0, 1))(2.0, -1.0)
(-1.0, 0.0)
""")
heaviside = _binary(np.heaviside, _u.heaviside, "Heaviside step: 0 for ``x1 < 0``, ``x2`` at 0, "
                   "1 for ``x1 > 0`` (zero gradient).", """\
>>> fnp.heaviside(fg.tensor([-1.0, 0.0, 2.0]), 0.5)
tensor([0.0000, 0.5000, 1.0000])
""")
rint = _unary(np.rint, _rint, "Round to the nearest integer, halves to even (zero gradient).",
              """\
>>> fnp.rint(fg.tensor([0.5, 1.5, -2.7]))
tensor([ 0.,  2., -3.])
""")
spacing = _unary(np.spacing, _u.spacing, "Distance to the next float away from 0 "
                 "(zero gradient).", """\
>>> fnp.spacing(1.0)
np.float64(2.220446049250313e-16)
""")
nextafter = _binary(np.nextafter, _u.nextafter, """The next float after ``x1`` towards ``x2``, elementwise.

Its gradient is 1 for ``x1`` (one ulp away) and 0 for ``x2``.""", """\
>>> fg.grad(fnp.nextafter, argnums=(0, 1))(1.0, 2.0)
(1.0, 0.0)
""")
modf = _unary(np.modf, _modf, """Fractional and integral parts, elementwise.

The fractional part has gradient 1; the integral part zero.""", """\
>>> frac, whole = fnp.modf(fg.tensor([2.5, -1.25]))
>>> frac, whole
(tensor([ 0.5000, -0.2500]), tensor([ 2., -1.]))
""")

# ---- two-argument selection and remainders ---------------------------------------------

fmax = _binary(np.fmax, _u.fmax, """Elementwise maximum that ignores NaNs.

The gradient goes to the larger value (to the one that is not NaN), and is shared at ties as
``maximum`` shares it.""", """\
>>> fg.grad(fnp.fmax, argnums=(0, 1))(1.0, fnp.nan)
(1.0, 0.0)
>>> fg.grad(fnp.fmax, argnums=(0, 1))(2.0, 2.0)
(0.5, 0.5)
""")
fmin = _binary(np.fmin, _u.fmin, """Elementwise minimum that ignores NaNs.

The gradient goes to the smaller value (to the one that is not NaN), and is shared at ties.""",
              """\
>>> fg.grad(fnp.fmin, argnums=(0, 1))(fnp.nan, 1.0)
(0.0, 1.0)
""")
fmod = _binary(np.fmod, _u.fmod, """Remainder of truncated division (with the sign of ``x1``).

The gradients are 1 for ``x1`` and ``-trunc(x1 / x2)`` for ``x2``.""", """\
>>> fg.grad(fnp.fmod, argnums=(0, 1))(-7.0, 2.0)
(1.0, 3.0)
""")
remainder = _binary(np.remainder, ops.remainder, """Remainder of floor division (with the sign of
``x2``), elementwise.

The gradients are 1 for ``x1`` and ``-floor(x1 / x2)`` for ``x2``.""", """\
>>> fg.grad(fnp.remainder, argnums=(0, 1))(-7.0, 2.0)
(1.0, 4.0)
""")
mod = remainder
floor_divide = _binary(np.floor_divide, ops.floor_divide, "``floor(x1 / x2)``, elementwise "
                      "(zero gradient).", """\
>>> fnp.floor_divide(fg.tensor([7.0, -7.0]), 2.0)
tensor([ 3., -4.])
""")
divmod = _binary(np.divmod, _divmod, "``(floor_divide(x1, x2), remainder(x1, x2))``.", """\
>>> fnp.divmod(fg.tensor([7.0]), 2.0)
(tensor([3.]), tensor([1.]))
""")

# ---- complex numbers ---------------------------------------------------------------------

conjugate = _unary(np.conjugate, _u.conj, """Complex conjugate, elementwise.

As in JAX, gradients pair complex values by ``Re sum(a * b)``: the VJP of ``conj`` is ``conj``.""",
                   """\
>>> z = fg.tensor([1 + 2j], requires_grad=True)
>>> fnp.conjugate(z)
tensor([1.-2.j], grad_fn=<ConjBackward0>)
""")
conj = conjugate


def real(val: ArrayLike) -> Any:
    """The real part (a view, as NumPy's).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fg.grad(lambda z: fnp.real(z * z))(1 + 2j)      # d/dx - i d/dy of x**2 - y**2
    (2+4j)
    """
    return _u.real(val) if isinstance(val, Tensor) else np.real(val)


def imag(val: ArrayLike) -> Any:
    """The imaginary part (a view, as NumPy's); zero with no gradient for real values.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fg.grad(lambda z: fnp.imag(z * z))(1 + 2j)      # d/dx - i d/dy of 2xy
    (4-2j)
    """
    return _u.imag(val) if isinstance(val, Tensor) else np.imag(val)


def angle(z: ArrayLike, deg: bool = False) -> Any:
    """The argument of a complex number, in radians (degrees if ``deg``).

    For real inputs, 0 or pi with no gradient; at ``z = 0`` the gradient is NaN (unless the
    cotangent there is zero).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.angle(fg.tensor([1j, -1.0 + 0j]), deg=True)
    tensor([ 90., 180.])
    >>> fg.grad(fnp.angle)(1j)       # d/dx = -y / r**2, d/dy = x / r**2, as d/dx - i d/dy
    (-1-0j)
    """
    return _u.angle(z, bool(deg)) if isinstance(z, Tensor) else np.angle(z, deg)


def sinc(x: ArrayLike) -> Any:
    """``sin(pi x) / (pi x)``, and 1 at 0; its derivatives are exact at and near 0.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fg.grad(fnp.sinc)(0.5)          # (cos(pi x) pi x - sin(pi x)) / (pi x**2)
    -1.27323954473516...
    >>> fg.grad(fg.grad(fnp.sinc))(0.0)  # -pi**2 / 3
    -3.28986813369645...
    """
    return _u.sinc(x, 0) if isinstance(x, Tensor) else np.sinc(x)


def fix(x: ArrayLike, out: None = None) -> Any:
    """Round towards zero (zero gradient).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.fix(fg.tensor([2.7, -2.7]))
    tensor([ 2., -2.])
    """
    if out is not None:
        raise _no_out("fix")
    return ops.trunc(*_loop_inputs(np.trunc, x)) if isinstance(x, Tensor) else np.fix(x)


def real_if_close(a: ArrayLike, tol: float = 100) -> Any:
    """``a``'s real part if every imaginary part is within ``tol`` machine epsilons of 0.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.real_if_close(fg.tensor([2.0 + 1e-15j], dtype=fg.complex128))
    tensor([2.], dtype=funcgrad.float64)
    """
    if not isinstance(a, Tensor):
        return np.real_if_close(a, tol)
    data = a._data
    if data.dtype.kind != "c":
        return a
    if tol > 1:
        tol = np.finfo(data.dtype).eps * tol
    return _u.real(a) if np.all(np.abs(data.imag) < tol) else a


def nan_to_num(x: ArrayLike, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Any:
    """``x`` with NaN and infinities replaced by finite numbers.

    The gradient passes where ``x`` was finite and is zero where a value was replaced. Given a
    Tensor the result is a new Tensor whatever ``copy`` says.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> import numpy as np
    >>> fg.grad(lambda x: fnp.sum(fnp.nan_to_num(x)))(np.array([1.0, np.nan, np.inf]))
    array([1., 0., 0.])
    """
    if not isinstance(x, Tensor):
        return np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
    data = x._data
    replaced = np.nan_to_num(data, copy=True, nan=nan, posinf=posinf, neginf=neginf)
    if data.dtype.kind not in "fc":
        return _from_array(replaced)
    finite = np.isfinite(data)
    return ops.clone(x) if finite.all() else ops.where(finite, x, replaced)


def _nograd(numpy_fn: Callable[..., Any], name: str, summary: str,
            example: str) -> _NoGradFunction:
    """A NumPy predicate; given a Tensor, its result as a Tensor with no gradient."""

    def fn(x: ArrayLike, *args: Any, **kwargs: Any) -> Any:
        if isinstance(x, Tensor):
            if kwargs.get("out") is not None:
                raise _no_out(name)
            return _from_array(array_of(numpy_fn(x._data, *args, **kwargs)))
        return numpy_fn(x, *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{summary} (no gradient).\n\nExamples\n--------\n{_IMPORTS}{example}"
    NUMPY_FUNCTIONS[numpy_fn] = fn
    return fn


iscomplex = _nograd(np.iscomplex, "iscomplex", "Whether each element has a nonzero imaginary part", """\
>>> fnp.iscomplex(fg.tensor([1.0 + 0j, 2j]))
tensor([False,  True])
""")
isreal = _nograd(np.isreal, "isreal", "Whether each element has a zero imaginary part", """\
>>> fnp.isreal(fg.tensor([1.0 + 0j, 2j]))
tensor([ True, False])
""")
isposinf = _nograd(np.isposinf, "isposinf", "Whether each element is +inf", """\
>>> fnp.isposinf(fg.tensor([fnp.inf, -fnp.inf, 0.0]))
tensor([ True, False, False])
""")
isneginf = _nograd(np.isneginf, "isneginf", "Whether each element is -inf", """\
>>> fnp.isneginf(fg.tensor([fnp.inf, -fnp.inf, 0.0]))
tensor([False,  True, False])
""")


def iscomplexobj(x: ArrayLike) -> bool:
    """Whether ``x`` has a complex dtype.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.iscomplexobj(fg.tensor([1j])), fnp.iscomplexobj(fg.tensor([1.0]))
    (True, False)
    """
    return x._data.dtype.kind == "c" if isinstance(x, Tensor) else np.iscomplexobj(x)


def isrealobj(x: ArrayLike) -> bool:
    """Whether ``x`` has a dtype that is not complex.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.isrealobj(fg.tensor([1.0]))
    True
    """
    return not iscomplexobj(x)


NUMPY_FUNCTIONS.update({
    np.real: real, np.imag: imag, np.angle: angle, np.sinc: sinc, np.fix: fix,
    np.real_if_close: real_if_close, np.nan_to_num: nan_to_num, np.iscomplexobj: iscomplexobj,
    np.isrealobj: isrealobj,
})

# ---- no gradient: the sign bit and integer ufuncs ----------------------------------------

signbit = _unary(np.signbit, _u.signbit, "Whether the sign bit is set, elementwise (no gradient).", """\
>>> fnp.signbit(fg.tensor([-0.0, 1.0]))
tensor([ True, False])
""")
_INTEGER_EXAMPLE = ">>> fnp.{}(fg.tensor([12]), fg.tensor([{}]))\ntensor([{}])\n"
bitwise_and = _binary(np.bitwise_and, _u.bitwise_and, "Bitwise AND of integers (no gradient).",
                     _INTEGER_EXAMPLE.format("bitwise_and", 10, 8))
bitwise_or = _binary(np.bitwise_or, _u.bitwise_or, "Bitwise OR of integers (no gradient).",
                    _INTEGER_EXAMPLE.format("bitwise_or", 10, 14))
bitwise_xor = _binary(np.bitwise_xor, _u.bitwise_xor, "Bitwise XOR of integers (no gradient).",
                     _INTEGER_EXAMPLE.format("bitwise_xor", 10, 6))
left_shift = _binary(np.left_shift, _u.left_shift, "``x1 << x2`` for integers (no gradient).",
                    _INTEGER_EXAMPLE.format("left_shift", 2, 48))
right_shift = _binary(np.right_shift, _u.right_shift, "``x1 >> x2`` for integers (no gradient).",
                     _INTEGER_EXAMPLE.format("right_shift", 2, 3))
gcd = _binary(np.gcd, _u.gcd, "Greatest common divisor of integers (no gradient).",
             _INTEGER_EXAMPLE.format("gcd", 8, 4))
lcm = _binary(np.lcm, _u.lcm, "Least common multiple of integers (no gradient).",
             _INTEGER_EXAMPLE.format("lcm", 8, 24))
invert = _unary(np.invert, _u.invert, "Bitwise NOT of integers (no gradient).", """\
>>> fnp.invert(fg.tensor([0, 5]))
tensor([-1, -6])
""")
bitwise_count = _unary(np.bitwise_count, _u.bitwise_count, "Number of 1 bits in each integer's "
                       "absolute value (no gradient).", """\
>>> fnp.bitwise_count(fg.tensor([7, -8]))
tensor([3, 1], dtype=funcgrad.uint8)
""")
bitwise_not = bitwise_invert = invert
bitwise_left_shift = left_shift
bitwise_right_shift = right_shift

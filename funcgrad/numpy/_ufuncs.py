"""Elementwise math (NumPy's ufuncs): trigonometric, hyperbolic, exponential and logarithmic
functions, powers, rounding, two-argument functions, complex parts.

Each function takes NumPy's arguments. Given no Tensor it calls NumPy and returns what NumPy
returns. Given a Tensor it records: ``dtype=`` is honoured, ``out=`` raises a TypeError (an
output written in place cannot be differentiated) and so does ``where=``.
"""

from __future__ import annotations

import math

import numpy as np

from .. import ops
from ..ops import ufuncs as _u
from ..tensor import Tensor, _from_array

__all__: list = []
NUMPY_UFUNCS: dict = {}  # NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_FUNCTIONS: dict = {}  # NumPy function -> funcgrad function (for __array_function__)

_IMPORTS = ">>> import funcgrad as fg, funcgrad.numpy as fnp\n"


def _no_out(name):
    return TypeError(f"funcgrad.numpy.{name}: out= cannot be differentiated; assign the result instead")


def _on_tensors(name, fn, args, kwargs):
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


def _cast(x, dtype):
    return ops.astype(x, dtype) if isinstance(x, Tensor) and x._data.dtype != dtype else x


def _ufunc(ufunc, on_tensors, summary, example, name=None):
    """A public function with NumPy ``ufunc``'s name and calling convention.

    Without a Tensor among its arguments it is ``ufunc`` itself; with one, ``on_tensors``
    (which the ``__array_ufunc__`` table maps ``ufunc`` to, as well).
    """
    name = name or ufunc.__name__
    if ufunc.nin == 1:
        def fn(x, /, out=None, **kwargs):
            if out is not None:
                raise _no_out(name)
            if isinstance(x, Tensor):
                return _on_tensors(name, on_tensors, (x,), kwargs) if kwargs else on_tensors(x)
            return ufunc(x, **kwargs)
    else:
        def fn(x1, x2, /, out=None, **kwargs):
            if out is not None:
                raise _no_out(name)
            if isinstance(x1, Tensor) or isinstance(x2, Tensor):
                if kwargs:
                    return _on_tensors(name, on_tensors, (x1, x2), kwargs)
                return on_tensors(x1, x2)
            return ufunc(x1, x2, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{summary}\n\nExamples\n--------\n{_IMPORTS}{example}"
    __all__.append(name)
    NUMPY_UFUNCS[ufunc] = on_tensors
    return fn


def _alias(name, fn):
    __all__.append(name)
    return fn


def _loop_inputs(ufunc, *args):
    """``args`` with each Tensor cast to the dtype of the loop NumPy's ``ufunc`` would run.

    For composites whose primitives keep dtypes NumPy's ufunc changes (``fabs`` of integers
    is floating, ``square`` of booleans int8); a dtype the ufunc has no loop for raises
    NumPy's TypeError.
    """
    dtypes = []
    for a in args:
        if isinstance(a, Tensor):
            dtypes.append(a._data.dtype)
        elif isinstance(a, bool):
            dtypes.append(np.dtype(bool))
        elif isinstance(a, (int, float, complex)):
            dtypes.append(type(a))  # a Python number is weakly typed (NEP 50)
        else:
            dtypes.append(np.asarray(a).dtype)
    key = (ufunc, tuple(dtypes))
    loop = _LOOPS.get(key)
    if loop is None:
        loop = _LOOPS[key] = ufunc.resolve_dtypes(key[1] + (None,) * ufunc.nout)
    return tuple(_cast(a, dt) for a, dt in zip(args, loop))


_LOOPS: dict = {}  # (ufunc, input dtypes) -> the dtypes of NumPy's loop


# ---- composites: existing primitives, with the dtypes of NumPy's ufunc ------------------


def _square(x):
    (x,) = _loop_inputs(np.square, x)
    return ops.mul(x, x)


def _fabs(x):
    return ops.abs(*_loop_inputs(np.fabs, x))


def _rint(x):
    return ops.round(*_loop_inputs(np.rint, x))


def _positive(x):
    return ops.clone(*_loop_inputs(np.positive, x))


def _deg2rad(x):
    return ops.mul(*_loop_inputs(np.deg2rad, x), math.pi / 180.0)


def _rad2deg(x):
    return ops.mul(*_loop_inputs(np.rad2deg, x), 180.0 / math.pi)


def _float_power(x1, x2):
    return ops.pow(*_loop_inputs(np.float_power, x1, x2))


def _divmod(x1, x2):
    return ops.floor_divide(x1, x2), ops.remainder(x1, x2)


def _modf(x):
    (x,) = _loop_inputs(np.modf, x)
    whole = ops.trunc(x)
    data = x._data
    infinite = np.isinf(data)
    with np.errstate(invalid="ignore"):
        fraction = _u.fmod(x, 1.0)  # x - trunc(x), with the sign of x (-0.0 for -2.0, as modf)
    if infinite.any():  # modf(inf) is (0.0, inf), where fmod gives NaN
        fraction = ops.where(infinite, np.modf(data)[0], fraction)
    return fraction, whole


def _frexp(x):
    (x,) = _loop_inputs(np.frexp, x)
    exponent = np.frexp(x._data)[1]
    # The mantissa is x scaled by a power of two: exact, and linear in x.
    return _u.ldexp(x, -exponent), _from_array(exponent)


# ---- trigonometric and hyperbolic --------------------------------------------------------

arcsin = _ufunc(np.arcsin, _u.arcsin, "Inverse sine, elementwise.", """\
>>> fnp.arcsin(0.5)
np.float64(0.5235987755982989)
>>> fg.grad(fnp.arcsin)(0.6)            # 1 / sqrt(1 - x**2)
1.25
""")
arccos = _ufunc(np.arccos, _u.arccos, "Inverse cosine, elementwise.", """\
>>> fg.grad(fnp.arccos)(0.6)            # -1 / sqrt(1 - x**2)
-1.25
""")
arctan = _ufunc(np.arctan, _u.arctan, "Inverse tangent, elementwise.", """\
>>> fg.grad(fnp.arctan)(1.0)            # 1 / (1 + x**2)
0.5
""")
sinh = _ufunc(np.sinh, _u.sinh, "Hyperbolic sine, elementwise.", """\
>>> fg.grad(fnp.sinh)(0.0)              # cosh(x)
1.0
""")
cosh = _ufunc(np.cosh, _u.cosh, "Hyperbolic cosine, elementwise.", """\
>>> fg.grad(fnp.cosh)(0.0)              # sinh(x)
0.0
""")
arcsinh = _ufunc(np.arcsinh, _u.arcsinh, "Inverse hyperbolic sine, elementwise.", """\
>>> fg.grad(fnp.arcsinh)(0.75)          # 1 / sqrt(x**2 + 1)
0.8
""")
arccosh = _ufunc(np.arccosh, _u.arccosh, "Inverse hyperbolic cosine, elementwise.", """\
>>> fg.grad(fnp.arccosh)(1.25)          # 1 / sqrt(x**2 - 1)
1.3333333333333333
""")
arctanh = _ufunc(np.arctanh, _u.arctanh, "Inverse hyperbolic tangent, elementwise.", """\
>>> fg.grad(fnp.arctanh)(0.5)           # 1 / (1 - x**2)
1.3333333333333333
""")
arctan2 = _ufunc(np.arctan2, _u.arctan2, """Angle of the point ``(x2, x1)``, elementwise.

The derivatives, ``x2 / r**2`` and ``-x1 / r**2``, are NaN at the origin (unless the cotangent
there is zero).""", """\
>>> fg.grad(fnp.arctan2, argnums=(0, 1))(1.0, 1.0)
(0.5, -0.5)
""")
hypot = _ufunc(np.hypot, _u.hypot, "``sqrt(x1**2 + x2**2)``, elementwise, without overflow.", """\
>>> fg.grad(fnp.hypot, argnums=(0, 1))(3.0, 4.0)
(0.6, 0.8)
""")
asin, acos, atan, asinh, acosh, atanh, atan2 = (
    _alias(n, f) for n, f in (("asin", arcsin), ("acos", arccos), ("atan", arctan),
                              ("asinh", arcsinh), ("acosh", arccosh), ("atanh", arctanh),
                              ("atan2", arctan2)))
deg2rad = _ufunc(np.deg2rad, _deg2rad, "Degrees to radians, elementwise.", """\
>>> fg.grad(fnp.deg2rad)(90.0) * 180
3.141592653589793
""")
rad2deg = _ufunc(np.rad2deg, _rad2deg, "Radians to degrees, elementwise.", """\
>>> fg.grad(fnp.rad2deg)(1.0) * fnp.pi
180.0
""")
radians = _ufunc(np.radians, _deg2rad, "Degrees to radians (``deg2rad``), elementwise.", """\
>>> fnp.radians(180.0)
np.float64(3.141592653589793)
""")
degrees = _ufunc(np.degrees, _rad2deg, "Radians to degrees (``rad2deg``), elementwise.", """\
>>> fnp.degrees(fg.tensor([fnp.pi / 2]))
tensor([90.])
""")

# ---- exponentials, logarithms, powers ----------------------------------------------------

exp2 = _ufunc(np.exp2, _u.exp2, "``2**x``, elementwise.", """\
>>> fg.grad(fnp.exp2)(3.0)              # 2**x log(2)
5.545177444479562
""")
expm1 = _ufunc(np.expm1, _u.expm1, "``exp(x) - 1``, elementwise, accurate for small ``x``.", """\
>>> fnp.expm1(1e-10)
np.float64(1.00000000005e-10)
>>> fg.grad(fnp.expm1)(0.0)
1.0
""")
log2 = _ufunc(np.log2, _u.log2, "Base-2 logarithm, elementwise.", """\
>>> fg.grad(fnp.log2)(0.5) * fnp.log(2.0)   # 1 / (x log 2)
np.float64(2.0)
""")
log10 = _ufunc(np.log10, _u.log10, "Base-10 logarithm, elementwise.", """\
>>> fnp.log10(fg.tensor([10.0, 100.0], dtype=fg.float64))
tensor([1., 2.], dtype=funcgrad.float64)
""")
log1p = _ufunc(np.log1p, _u.log1p, """``log(1 + x)``, elementwise, accurate for small ``x``.

At ``x = -1`` the derivative is infinite; a zero cotangent there still gives zero.""", """\
>>> fg.grad(fnp.log1p)(1.0)             # 1 / (1 + x)
0.5
""")
logaddexp = _ufunc(np.logaddexp, _u.logaddexp, "``log(exp(x1) + exp(x2))``, elementwise, "
                   "without overflow.", """\
>>> fg.grad(fnp.logaddexp, argnums=(0, 1))(1000.0, 1000.0)
(0.5, 0.5)
""")
logaddexp2 = _ufunc(np.logaddexp2, _u.logaddexp2, "``log2(2**x1 + 2**x2)``, elementwise.", """\
>>> fg.grad(fnp.logaddexp2, argnums=(0, 1))(3.0, 3.0)
(0.5, 0.5)
""")
cbrt = _ufunc(np.cbrt, _u.cbrt, """Cube root, elementwise (real inputs).

The derivative ``1 / (3 cbrt(x)**2)`` is infinite at 0; a zero cotangent there stays zero.""",
              """\
>>> fg.grad(fnp.cbrt)(8.0)              # 1 / (3 * 4)
0.08333333333333333
""")
square = _ufunc(np.square, _square, "``x * x``, elementwise.", """\
>>> fg.grad(fnp.square)(3.0)
6.0
""")
reciprocal = _ufunc(np.reciprocal, _u.reciprocal, "``1 / x``, elementwise (integer division "
                    "for integers, as NumPy).", """\
>>> fg.grad(fnp.reciprocal)(2.0)        # -1 / x**2
-0.25
""")
float_power = _ufunc(np.float_power, _float_power, "``x1 ** x2`` computed in float64 (or "
                     "complex128), elementwise.", """\
>>> fnp.float_power(fg.tensor([2.0], dtype=fg.float32), 3)
tensor([8.], dtype=funcgrad.float64)
>>> fg.grad(fnp.float_power, argnums=(0, 1))(2.0, 3.0)
(12.0, 5.545177444479562)
""")
pow = _ufunc(np.power, ops.pow, "``x1 ** x2``, elementwise (NumPy 2's alias of ``power``).", """\
>>> fg.grad(fnp.pow)(3.0, 2)
6.0
""", name="pow")
ldexp = _ufunc(np.ldexp, _u.ldexp, """``x1 * 2**x2`` for integer ``x2``, elementwise.

Differentiable in ``x1``; the integer exponent has no gradient.""", """\
>>> fg.grad(fnp.ldexp)(1.5, 3)
8.0
""")
frexp = _ufunc(np.frexp, _frexp, """Mantissa and exponent: ``x = mantissa * 2**exponent``.

The mantissa is differentiable (``2**-exponent``); the exponent is an integer array.""", """\
>>> m, e = fnp.frexp(fg.tensor([12.0], requires_grad=True))
>>> m, e
(tensor([0.7500], grad_fn=<LdexpBackward0>), tensor([4], dtype=funcgrad.int32))
""")

# ---- absolute values, signs, rounding ------------------------------------------------

fabs = _ufunc(np.fabs, _fabs, "Absolute value of real numbers, elementwise, as floats.", """\
>>> fg.grad(fnp.fabs)(-2.0)
-1.0
""")
positive = _ufunc(np.positive, _positive, "``+x``: a copy, elementwise.", """\
>>> fg.grad(fnp.positive)(2.0)
1.0
""")
copysign = _ufunc(np.copysign, _u.copysign, """``|x1|`` with the sign of ``x2``, elementwise.

The gradient goes to ``x1`` (``x2`` only chooses a sign).""", """\
>>> fg.grad(fnp.copysign, argnums=(0, 1))(2.0, -1.0)
(-1.0, 0.0)
""")
heaviside = _ufunc(np.heaviside, _u.heaviside, "Heaviside step: 0 for ``x1 < 0``, ``x2`` at 0, "
                   "1 for ``x1 > 0`` (zero gradient).", """\
>>> fnp.heaviside(fg.tensor([-1.0, 0.0, 2.0]), 0.5)
tensor([0.0000, 0.5000, 1.0000])
""")
rint = _ufunc(np.rint, _rint, "Round to the nearest integer, halves to even (zero gradient).",
              """\
>>> fnp.rint(fg.tensor([0.5, 1.5, -2.7]))
tensor([ 0.,  2., -3.])
""")
spacing = _ufunc(np.spacing, _u.spacing, "Distance to the next float away from 0 "
                 "(zero gradient).", """\
>>> fnp.spacing(1.0)
np.float64(2.220446049250313e-16)
""")
nextafter = _ufunc(np.nextafter, _u.nextafter, """The next float after ``x1`` towards ``x2``, elementwise.

Its gradient is 1 for ``x1`` (one ulp away) and 0 for ``x2``.""", """\
>>> fg.grad(fnp.nextafter, argnums=(0, 1))(1.0, 2.0)
(1.0, 0.0)
""")
modf = _ufunc(np.modf, _modf, """Fractional and integral parts, elementwise.

The fractional part has gradient 1; the integral part zero.""", """\
>>> frac, whole = fnp.modf(fg.tensor([2.5, -1.25]))
>>> frac, whole
(tensor([ 0.5000, -0.2500]), tensor([ 2., -1.]))
""")

# ---- two-argument selection and remainders ---------------------------------------------

fmax = _ufunc(np.fmax, _u.fmax, """Elementwise maximum that ignores NaNs.

The gradient goes to the larger value (to the one that is not NaN), and is shared at ties as
``maximum`` shares it.""", """\
>>> fg.grad(fnp.fmax, argnums=(0, 1))(1.0, fnp.nan)
(1.0, 0.0)
>>> fg.grad(fnp.fmax, argnums=(0, 1))(2.0, 2.0)
(0.5, 0.5)
""")
fmin = _ufunc(np.fmin, _u.fmin, """Elementwise minimum that ignores NaNs.

The gradient goes to the smaller value (to the one that is not NaN), and is shared at ties.""",
              """\
>>> fg.grad(fnp.fmin, argnums=(0, 1))(fnp.nan, 1.0)
(0.0, 1.0)
""")
fmod = _ufunc(np.fmod, _u.fmod, """Remainder of truncated division (with the sign of ``x1``).

The gradients are 1 for ``x1`` and ``-trunc(x1 / x2)`` for ``x2``.""", """\
>>> fg.grad(fnp.fmod, argnums=(0, 1))(-7.0, 2.0)
(1.0, 3.0)
""")
remainder = _ufunc(np.remainder, ops.remainder, """Remainder of floor division (with the sign of
``x2``), elementwise.

The gradients are 1 for ``x1`` and ``-floor(x1 / x2)`` for ``x2``.""", """\
>>> fg.grad(fnp.remainder, argnums=(0, 1))(-7.0, 2.0)
(1.0, 4.0)
""")
mod = _alias("mod", remainder)
floor_divide = _ufunc(np.floor_divide, ops.floor_divide, "``floor(x1 / x2)``, elementwise "
                      "(zero gradient).", """\
>>> fnp.floor_divide(fg.tensor([7.0, -7.0]), 2.0)
tensor([ 3., -4.])
""")
divmod = _ufunc(np.divmod, _divmod, "``(floor_divide(x1, x2), remainder(x1, x2))``.", """\
>>> fnp.divmod(fg.tensor([7.0]), 2.0)
(tensor([3.]), tensor([1.]))
""")

# ---- complex numbers ---------------------------------------------------------------------

conjugate = _ufunc(np.conjugate, _u.conj, """Complex conjugate, elementwise.

As in JAX, gradients pair complex values by ``Re sum(a * b)``: the VJP of ``conj`` is ``conj``.""",
                   """\
>>> z = fg.tensor([1 + 2j], requires_grad=True)
>>> fnp.conjugate(z)
tensor([1.-2.j], grad_fn=<ConjBackward0>)
""")
conj = _alias("conj", conjugate)


def real(val):
    """The real part (a view, as NumPy's).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fg.grad(lambda z: fnp.real(z * z))(1 + 2j)      # d/dx - i d/dy of x**2 - y**2
    (2+4j)
    """
    return _u.real(val) if isinstance(val, Tensor) else np.real(val)


def imag(val):
    """The imaginary part (a view, as NumPy's); zero with no gradient for real values.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fg.grad(lambda z: fnp.imag(z * z))(1 + 2j)      # d/dx - i d/dy of 2xy
    (4-2j)
    """
    return _u.imag(val) if isinstance(val, Tensor) else np.imag(val)


def angle(z, deg=False):
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


def sinc(x):
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


def fix(x, out=None):
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


def real_if_close(a, tol=100):
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


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
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


def _nograd(numpy_fn, name, summary, example):
    """A NumPy predicate; given a Tensor, its result as a Tensor with no gradient."""

    def fn(x, *args, **kwargs):
        if isinstance(x, Tensor):
            if kwargs.get("out") is not None:
                raise _no_out(name)
            return _from_array(np.asarray(numpy_fn(x._data, *args, **kwargs)))
        return numpy_fn(x, *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{summary} (no gradient).\n\nExamples\n--------\n{_IMPORTS}{example}"
    __all__.append(name)
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


def iscomplexobj(x):
    """Whether ``x`` has a complex dtype.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.iscomplexobj(fg.tensor([1j])), fnp.iscomplexobj(fg.tensor([1.0]))
    (True, False)
    """
    return x._data.dtype.kind == "c" if isinstance(x, Tensor) else np.iscomplexobj(x)


def isrealobj(x):
    """Whether ``x`` has a dtype that is not complex.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.isrealobj(fg.tensor([1.0]))
    True
    """
    return not iscomplexobj(x)


__all__ += ["real", "imag", "angle", "sinc", "fix", "real_if_close", "nan_to_num",
            "iscomplexobj", "isrealobj"]
NUMPY_FUNCTIONS.update({
    np.real: real, np.imag: imag, np.angle: angle, np.sinc: sinc, np.fix: fix,
    np.real_if_close: real_if_close, np.nan_to_num: nan_to_num, np.iscomplexobj: iscomplexobj,
    np.isrealobj: isrealobj,
})

# ---- no gradient: the sign bit and integer ufuncs ----------------------------------------

signbit = _ufunc(np.signbit, _u.signbit, "Whether the sign bit is set, elementwise (no gradient).", """\
>>> fnp.signbit(fg.tensor([-0.0, 1.0]))
tensor([ True, False])
""")
_INTEGER_EXAMPLE = ">>> fnp.{}(fg.tensor([12]), fg.tensor([{}]))\ntensor([{}])\n"
bitwise_and = _ufunc(np.bitwise_and, _u.bitwise_and, "Bitwise AND of integers (no gradient).",
                     _INTEGER_EXAMPLE.format("bitwise_and", 10, 8))
bitwise_or = _ufunc(np.bitwise_or, _u.bitwise_or, "Bitwise OR of integers (no gradient).",
                    _INTEGER_EXAMPLE.format("bitwise_or", 10, 14))
bitwise_xor = _ufunc(np.bitwise_xor, _u.bitwise_xor, "Bitwise XOR of integers (no gradient).",
                     _INTEGER_EXAMPLE.format("bitwise_xor", 10, 6))
left_shift = _ufunc(np.left_shift, _u.left_shift, "``x1 << x2`` for integers (no gradient).",
                    _INTEGER_EXAMPLE.format("left_shift", 2, 48))
right_shift = _ufunc(np.right_shift, _u.right_shift, "``x1 >> x2`` for integers (no gradient).",
                     _INTEGER_EXAMPLE.format("right_shift", 2, 3))
gcd = _ufunc(np.gcd, _u.gcd, "Greatest common divisor of integers (no gradient).",
             _INTEGER_EXAMPLE.format("gcd", 8, 4))
lcm = _ufunc(np.lcm, _u.lcm, "Least common multiple of integers (no gradient).",
             _INTEGER_EXAMPLE.format("lcm", 8, 24))
invert = _ufunc(np.invert, _u.invert, "Bitwise NOT of integers (no gradient).", """\
>>> fnp.invert(fg.tensor([0, 5]))
tensor([-1, -6])
""")
bitwise_count = _ufunc(np.bitwise_count, _u.bitwise_count, "Number of 1 bits in each integer's "
                       "absolute value (no gradient).", """\
>>> fnp.bitwise_count(fg.tensor([7, -8]))
tensor([3, 1], dtype=funcgrad.uint8)
""")
bitwise_not = bitwise_invert = _alias("bitwise_not", invert)
bitwise_left_shift = _alias("bitwise_left_shift", left_shift)
bitwise_right_shift = _alias("bitwise_right_shift", right_shift)
__all__.append("bitwise_invert")

"""funcgrad.numpy.fft: NumPy's discrete Fourier transforms (fft, ifft, rfft, irfft, fft2, fftn and
inverses), differentiable.

Each function has NumPy's signature. Given raw arrays it calls NumPy and returns what NumPy
returns; given a Tensor it records, in reverse and forward mode and to any order. Complex
values follow JAX's convention: the rules are transposes of the linear maps, without
conjugation, and the cotangent of a real input is real. ``n`` / ``s`` pad with zeros or crop,
and the gradient undoes that. ``out=`` cannot be differentiated and raises a TypeError.

Examples
--------
>>> import numpy as np
>>> import funcgrad as fg
>>> import funcgrad.numpy as fnp
>>> x = fg.tensor(np.array([1.0, 2.0, 3.0, 4.0]), requires_grad=True)
>>> y = fnp.fft.irfft(fnp.fft.rfft(x) * np.array([1.0, 0.5, 0.0]), n=4)  # a low-pass filter
>>> fnp.sum(y * y).backward()
>>> x.grad
tensor([4.5000, 4.5000, 5.5000, 5.5000], dtype=funcgrad.float64)
"""

from __future__ import annotations

import operator
import warnings
from typing import Any, Callable, Literal, Sequence, Union

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from .. import ops
from ..ops import fft as _prim
from ..tensor import Tensor
from .._typing import ArrayLike, Axis
from ._arrays import no_out

__all__ = [
    "fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn",
    "rfftn", "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]

# A transform's scaling, as NumPy's stubs spell it (None: "backward").
_NormKind = Union[Literal["backward", "ortho", "forward"], None]


# ---- arguments, as NumPy reads them -----------------------------------------------------


def _norm(norm: str | None) -> str:
    if norm is None:
        return "backward"
    if norm not in _prim.NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return norm


def _check_points(n: int) -> None:
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")


def _is_complex(a: Tensor) -> bool:
    kind: str = a._data.dtype.kind
    return kind == "c"


def _cook(shape: tuple[int, ...], s: Sequence[int | None] | None, axes: Sequence[int] | None,
          *, inverse_real: bool = False) -> tuple[list[int], list[int]]:
    """``(sizes, axes)``: NumPy's reading of ``s`` and ``axes`` (axes as negative ints)."""
    ndim = len(shape)
    shapeless = s is None
    if axes is not None:
        axes = [normalize_axis_index(operator.index(ax), ndim) - ndim for ax in axes]
    if s is None:
        s = [shape[ax] for ax in axes] if axes is not None else list(shape)
    s = list(s)
    if axes is None:
        if not shapeless:
            warnings.warn(
                "`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy 2.0). "
                "In a future version of NumPy, this will raise an error and `s[i]` will "
                "correspond to the size along the transformed axis specified by `axes[i]`. "
                "To retain current behaviour, pass a sequence [0, ..., k-1] to `axes` for an "
                "array of dimension k.", DeprecationWarning, stacklevel=4)
        axes = list(range(-len(s), 0))
        for ax in axes:
            normalize_axis_index(ax, ndim)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if inverse_real and shapeless:
        s[-1] = (shape[axes[-1]] - 1) * 2
    if None in s:
        warnings.warn(
            "Passing an array containing `None` values to `s` is deprecated in NumPy 2.0 and "
            "will raise an error in a future version of NumPy. To use the default behaviour "
            "of the corresponding 1-D transform, pass the value matching the default for its "
            "`n` parameter. To use the default behaviour for every axis, the `s` argument can "
            "be omitted.", DeprecationWarning, stacklevel=4)
    sizes = []
    for k, (n, ax) in enumerate(zip(s, axes)):
        if n is None:  # the 1-D transform's default
            n = (shape[ax] - 1) * 2 if inverse_real and k == len(axes) - 1 else shape[ax]
        elif n == -1:
            n = shape[ax]
        n = operator.index(n)
        _check_points(n)
        sizes.append(n)
    return sizes, axes


def _one_axis(a: Tensor, n: int | None, axis: int, *,
              inverse_real: bool = False) -> tuple[list[int], list[int]]:
    shape = a._data.shape
    axis = normalize_axis_index(operator.index(axis), len(shape)) - len(shape)
    if n is None:
        n = (shape[axis] - 1) * 2 if inverse_real else shape[axis]
    n = operator.index(n)
    _check_points(n)
    return [n], [axis]


def _resized(a: Tensor, sizes: list[int], axes: list[int]) -> Any:
    """``a`` cropped or zero-padded to ``sizes`` along ``axes`` (a recorded copy if needed)."""
    shape = a._data.shape
    target = list(shape)
    for n, ax in zip(sizes, axes):
        target[ax] = n
    return a if tuple(target) == shape else _prim.crop_or_pad(a, tuple(target))


def _distinct(axes: Sequence[int]) -> bool:
    return len(set(axes)) == len(axes)


# ---- the transforms on Tensors (sizes and axes already read) ----------------------------


def _c2c(a: Tensor, sizes: list[int], axes: list[int], norm: str, inverse: bool) -> Any:
    if not axes:
        return a  # NumPy transforms nothing and returns its input
    if not _distinct(axes):
        # A repeated axis is transformed once per mention, one axis at a time, as NumPy does.
        for n, ax in reversed(list(zip(sizes, axes))):
            a = _c2c(a, [n], [ax], norm, inverse)
        return a
    prim = _prim.ifftn if inverse else _prim.fftn
    a = _resized(a, sizes, axes)
    return prim(a, tuple(axes), norm, not _is_complex(a))


def _r2c(a: Tensor, sizes: list[int], axes: list[int], norm: str, name: str) -> Any:
    if _is_complex(a):
        raise TypeError(f"funcgrad.numpy.fft.{name}: the input must be real (NumPy's {name} "
                        f"takes no complex input); use fft for complex input")
    if not axes:
        raise IndexError(f"funcgrad.numpy.fft.{name}: no axis to transform")
    if not _distinct(axes):
        out = _r2c(a, sizes[-1:], axes[-1:], norm, name)
        return _c2c(out, sizes[:-1], axes[:-1], norm, False)
    return _prim.rfftn(_resized(a, sizes, axes), tuple(axes), norm)


def _c2r(a: Tensor, sizes: list[int], axes: list[int], norm: str, name: str) -> Any:
    if not axes:
        raise IndexError(f"funcgrad.numpy.fft.{name}: no axis to transform")
    if not _distinct(axes):
        for n, ax in zip(sizes[:-1], axes[:-1]):
            a = _c2c(a, [n], [ax], norm, True)
        return _c2r(a, sizes[-1:], axes[-1:], norm, name)
    n = sizes[-1]
    a = _resized(a, sizes[:-1] + [n // 2 + 1], axes)  # irfft reads n // 2 + 1 bins
    return _prim.irfftn(a, tuple(axes), n, norm, not _is_complex(a))


# ---- 1-D transforms ---------------------------------------------------------------------


def fft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: _NormKind = None,
        out: None = None) -> Any:
    """The one-dimensional discrete Fourier transform (NumPy's ``fft.fft``).

    ``n`` crops or zero-pads the input along ``axis``; ``norm`` is None / 'backward' (no
    scaling), 'ortho' (``1/sqrt(n)``) or 'forward' (``1/n``).

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.fft.fft(np.array([1.0, 0.0, -1.0, 0.0]))
    array([0.+0.j, 2.+0.j, 0.+0.j, 2.+0.j])
    >>> x = fg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    >>> fnp.fft.fft(x, n=4)
    tensor([ 3.+0.j,  1.-2.j, -1.+0.j,  1.+2.j], dtype=funcgrad.complex128,
           grad_fn=<FftnBackward0>)
    """
    no_out(out, "fft", "fft")
    if not isinstance(a, Tensor):
        return np.fft.fft(a, n, axis, norm)
    return _c2c(a, *_one_axis(a, n, axis), _norm(norm), False)


def ifft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: _NormKind = None,
         out: None = None) -> Any:
    """The one-dimensional inverse discrete Fourier transform (NumPy's ``fft.ifft``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.ifft(np.array([0.0, 4.0, 0.0, 0.0]))
    array([ 1.+0.j,  0.+1.j, -1.+0.j,  0.-1.j])
    """
    no_out(out, "ifft", "fft")
    if not isinstance(a, Tensor):
        return np.fft.ifft(a, n, axis, norm)
    return _c2c(a, *_one_axis(a, n, axis), _norm(norm), True)


def rfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: _NormKind = None,
         out: None = None) -> Any:
    """The one-dimensional discrete Fourier transform of a real input (NumPy's ``fft.rfft``):
    the ``n // 2 + 1`` non-negative frequency terms.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor(np.array([1.0, 2.0, 3.0, 4.0]), requires_grad=True)
    >>> fnp.fft.rfft(x)
    tensor([10.+0.j, -2.+2.j, -2.+0.j], dtype=funcgrad.complex128, grad_fn=<RfftnBackward0>)
    """
    no_out(out, "rfft", "fft")
    if not isinstance(a, Tensor):
        return np.fft.rfft(a, n, axis, norm)
    return _r2c(a, *_one_axis(a, n, axis), _norm(norm), "rfft")


def irfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: _NormKind = None,
          out: None = None) -> Any:
    """The inverse of :func:`rfft` (NumPy's ``fft.irfft``): ``n`` real points (by default
    ``2 * (m - 1)`` for ``m`` input bins). The imaginary parts of the DC bin and (``n`` even)
    the Nyquist bin do not affect the output, so their gradients are zero.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.irfft(np.array([4.0, 0.0, 0.0]))
    array([1., 1., 1., 1.])
    """
    no_out(out, "irfft", "fft")
    if not isinstance(a, Tensor):
        return np.fft.irfft(a, n, axis, norm)
    return _c2r(a, *_one_axis(a, n, axis, inverse_real=True), _norm(norm), "irfft")


def hfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: _NormKind = None,
         out: None = None) -> Any:
    """The transform of a Hermitian-symmetric signal given by its first half (NumPy's
    ``fft.hfft``): a real spectrum of ``n`` points (by default ``2 * (m - 1)``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.hfft(np.array([1.0, 1.0, 0.0]))
    array([ 3.,  1., -1.,  1.])
    """
    no_out(out, "hfft", "fft")
    if not isinstance(a, Tensor):
        return np.fft.hfft(a, n, axis, norm)
    sizes, axes = _one_axis(a, n, axis, inverse_real=True)
    # hfft(a) = irfft(conj(a)) with the opposite scaling, as NumPy defines it.
    conj = _prim.conj_scale(a, axes[0], sizes[0], 1.0)
    return _c2r(conj, sizes, axes, _prim.swap_norm(_norm(norm)), "hfft")


def ihfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: _NormKind = None,
          out: None = None) -> Any:
    """The inverse of :func:`hfft` (NumPy's ``fft.ihfft``): ``conj(rfft(a))`` with the
    opposite scaling, for a real input.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.ihfft(np.array([3.0, 1.0, -1.0, 1.0]))
    array([1.-0.j, 1.-0.j, 0.-0.j])
    """
    no_out(out, "ihfft", "fft")
    if not isinstance(a, Tensor):
        return np.fft.ihfft(a, n, axis, norm)
    sizes, axes = _one_axis(a, n, axis)
    spectrum = _r2c(a, sizes, axes, _prim.swap_norm(_norm(norm)), "ihfft")
    return _prim.conj_scale(spectrum, axes[0], sizes[0], 1.0)


# ---- n-D transforms ---------------------------------------------------------------------


def fftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: _NormKind = None, out: None = None) -> Any:
    """The n-dimensional discrete Fourier transform (NumPy's ``fft.fftn``) over ``axes``
    (all by default), cropping or zero-padding to ``s``.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.fftn(np.ones((2, 2)))
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]])
    """
    no_out(out, "fftn", "fft")
    if not isinstance(a, Tensor):
        return np.fft.fftn(a, s, axes, norm)
    return _c2c(a, *_cook(a._data.shape, s, axes), _norm(norm), False)


def ifftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: _NormKind = None, out: None = None) -> Any:
    """The n-dimensional inverse discrete Fourier transform (NumPy's ``fft.ifftn``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.ifftn(np.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1.+0.j, 1.+0.j],
           [1.+0.j, 1.+0.j]])
    """
    no_out(out, "ifftn", "fft")
    if not isinstance(a, Tensor):
        return np.fft.ifftn(a, s, axes, norm)
    return _c2c(a, *_cook(a._data.shape, s, axes), _norm(norm), True)


def rfftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: _NormKind = None, out: None = None) -> Any:
    """The n-dimensional discrete Fourier transform of a real input (NumPy's ``fft.rfftn``):
    the last of ``axes`` keeps ``s[-1] // 2 + 1`` bins.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.rfftn(np.ones((2, 4)))
    array([[8.+0.j, 0.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j, 0.+0.j]])
    """
    no_out(out, "rfftn", "fft")
    if not isinstance(a, Tensor):
        return np.fft.rfftn(a, s, axes, norm)
    return _r2c(a, *_cook(a._data.shape, s, axes), _norm(norm), "rfftn")


def irfftn(a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
           norm: _NormKind = None, out: None = None) -> Any:
    """The inverse of :func:`rfftn` (NumPy's ``fft.irfftn``): a real output of shape ``s``
    along ``axes`` (by default ``2 * (m - 1)`` points along the last).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.irfftn(np.array([[8.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    """
    no_out(out, "irfftn", "fft")
    if not isinstance(a, Tensor):
        return np.fft.irfftn(a, s, axes, norm)
    return _c2r(a, *_cook(a._data.shape, s, axes, inverse_real=True), _norm(norm), "irfftn")


def fft2(a: ArrayLike, s: Sequence[int] | None = None,
         axes: Sequence[int] | None = (-2, -1), norm: _NormKind = None,
         out: None = None) -> Any:
    """The two-dimensional discrete Fourier transform (NumPy's ``fft.fft2``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.fft2(np.eye(2))
    array([[2.+0.j, 0.+0.j],
           [0.+0.j, 2.+0.j]])
    """
    no_out(out, "fft2", "fft")
    if not isinstance(a, Tensor):
        return np.fft.fft2(a, s, axes, norm)
    return _c2c(a, *_cook(a._data.shape, s, axes), _norm(norm), False)


def ifft2(a: ArrayLike, s: Sequence[int] | None = None,
          axes: Sequence[int] | None = (-2, -1), norm: _NormKind = None,
          out: None = None) -> Any:
    """The two-dimensional inverse discrete Fourier transform (NumPy's ``fft.ifft2``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.ifft2(np.array([[2.0, 0.0], [0.0, 2.0]])).real
    array([[1., 0.],
           [0., 1.]])
    """
    no_out(out, "ifft2", "fft")
    if not isinstance(a, Tensor):
        return np.fft.ifft2(a, s, axes, norm)
    return _c2c(a, *_cook(a._data.shape, s, axes), _norm(norm), True)


def rfft2(a: ArrayLike, s: Sequence[int] | None = None,
          axes: Sequence[int] | None = (-2, -1), norm: _NormKind = None,
          out: None = None) -> Any:
    """The two-dimensional discrete Fourier transform of a real input (NumPy's
    ``fft.rfft2``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.rfft2(np.ones((2, 2)))
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]])
    """
    no_out(out, "rfft2", "fft")
    if not isinstance(a, Tensor):
        return np.fft.rfft2(a, s, axes, norm)
    return _r2c(a, *_cook(a._data.shape, s, axes), _norm(norm), "rfft2")


def irfft2(a: ArrayLike, s: Sequence[int] | None = None,
           axes: Sequence[int] | None = (-2, -1), norm: _NormKind = None,
           out: None = None) -> Any:
    """The inverse of :func:`rfft2` (NumPy's ``fft.irfft2``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.irfft2(np.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1., 1.],
           [1., 1.]])
    """
    no_out(out, "irfft2", "fft")
    if not isinstance(a, Tensor):
        return np.fft.irfft2(a, s, axes, norm)
    return _c2r(a, *_cook(a._data.shape, s, axes, inverse_real=True), _norm(norm), "irfft2")


# ---- helpers ----------------------------------------------------------------------------


def _frequencies(name: str, n: int | np.integer[Any], d: ArrayLike, device: str | None) -> Any:
    if device not in (None, "cpu"):
        raise ValueError(f"funcgrad.numpy.fft.{name}: device must be None or 'cpu'")
    n = operator.index(n)
    if name == "fftfreq":
        ints = np.concatenate([np.arange(0, (n - 1) // 2 + 1), np.arange(-(n // 2), 0)])
    else:
        ints = np.arange(0, n // 2 + 1)
    # NumPy's k * (1 / (n d)), recorded: the frequencies depend on the spacing d.
    return ops.mul(ints, ops.div(1.0, ops.mul(d, n)))


def fftfreq(n: int | np.integer[Any], d: ArrayLike = 1.0,
            device: Literal["cpu"] | None = None) -> Any:
    """The sample frequencies of an ``n``-point :func:`fft` with sample spacing ``d``
    (NumPy's ``fft.fftfreq``). Differentiable in ``d`` when ``d`` is a Tensor.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.fft.fftfreq(4, d=0.5)
    array([ 0. ,  0.5, -1. , -0.5])
    """
    if not isinstance(d, Tensor):
        return np.fft.fftfreq(n, d, device=device)
    return _frequencies("fftfreq", n, d, device)


def rfftfreq(n: int | np.integer[Any], d: ArrayLike = 1.0,
             device: Literal["cpu"] | None = None) -> Any:
    """The sample frequencies of an ``n``-point :func:`rfft` with sample spacing ``d``
    (NumPy's ``fft.rfftfreq``). Differentiable in ``d`` when ``d`` is a Tensor.

    Examples
    --------
    >>> import funcgrad.numpy as fnp
    >>> fnp.fft.rfftfreq(4, d=0.5)
    array([0. , 0.5, 1. ])
    """
    if not isinstance(d, Tensor):
        return np.fft.rfftfreq(n, d, device=device)
    return _frequencies("rfftfreq", n, d, device)


def _shift_axes(x: Tensor, axes: Axis) -> tuple[int, ...]:
    ndim = x._data.ndim
    if axes is None:
        return tuple(range(-ndim, 0))
    if isinstance(axes, (int, np.integer)):
        axes = (axes,)
    return tuple(normalize_axis_index(operator.index(ax), ndim) - ndim for ax in axes)


def fftshift(x: ArrayLike, axes: Axis = None) -> Any:
    """``x`` with the zero-frequency term moved to the centre of ``axes`` (all by default;
    NumPy's ``fft.fftshift``): a roll, so differentiable.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.fftshift(np.fft.fftfreq(5))
    array([-0.4, -0.2,  0. ,  0.2,  0.4])
    """
    if not isinstance(x, Tensor):
        return np.fft.fftshift(x, axes)
    return _prim.fftshift(x, _shift_axes(x, axes))


def ifftshift(x: ArrayLike, axes: Axis = None) -> Any:
    """The inverse of :func:`fftshift` (NumPy's ``fft.ifftshift``; they differ for odd
    lengths).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.fft.ifftshift(np.array([-0.4, -0.2, 0.0, 0.2, 0.4]))
    array([ 0. ,  0.2,  0.4, -0.4, -0.2])
    """
    if not isinstance(x, Tensor):
        return np.fft.ifftshift(x, axes)
    return _prim.ifftshift(x, _shift_axes(x, axes))


# NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}
# NumPy function -> funcgrad function (for __array_function__)
NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    getattr(np.fft, name): globals()[name] for name in __all__
}

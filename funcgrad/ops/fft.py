"""Primitives: NumPy's discrete Fourier transforms (fft, ifft, rfft, irfft, fft2, fftn and
their inverses), the zero-padding that ``n`` / ``s`` imply, and the Fourier shifts.

All of them are linear, so each rule is the transpose of another linear map (JAX's convention
for complex values: no conjugation; the pairing is ``Re sum(a * b)``):

* ``fftn`` and ``ifftn`` have symmetric matrices (``F[j, k] = exp(-2 pi i j k / n)``), so each
  is its own transpose. For a real input the cotangent is the real part of that.
* ``rfftn`` is "real to complex, then keep the first ``n // 2 + 1`` bins along the last
  axis"; its transpose is ``Re(F pad(g))``, which is ``irfftn`` of ``w * conj(g)`` with
  ``w = 1`` at the DC and Nyquist bins and ``1/2`` elsewhere (irfftn counts every other bin
  twice, as the bin and its Hermitian mirror).
* ``irfftn``'s transpose is ``W * conj(rfftn(h))``, with ``W = 1`` at the DC and Nyquist bins
  and ``2`` elsewhere.
* The scale of the transpose is the forward's scale: ``norm`` 'backward' (no scale on the
  forward transform) becomes 'forward' (no scale on the inverse one), and back; 'ortho' stays.
* ``crop_or_pad`` (what ``n`` / ``s`` do) is undone by its own transpose, ``crop_or_pad``
  back to the input's shape; ``fftshift`` and ``ifftshift`` are each other's transpose.

Axes are negative inside the rules, so they address the trailing dimensions of a batched
cotangent or tangent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from ._primitive import Const, Sample, defprimitive  # noqa: F401

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from .._typing import Array, DTypeLike, Shape

__all__ = [
    "crop_or_pad", "real_part", "conj_scale", "fftn", "ifftn", "rfftn", "irfftn", "fftshift",
    "ifftshift", "swap_norm", "NORMS",
]

NORMS = ("backward", "ortho", "forward")
_SWAPPED = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def swap_norm(norm: str) -> str:
    """The norm whose scale on the opposite transform equals ``norm``'s on this one."""
    return _SWAPPED[norm]




# ---- zero padding / cropping (the n= and s= arguments) ----------------------------------


def _crop_or_pad_forward(x: Array, shape: Shape) -> Array:
    xp = namespace(x)
    nb = x.ndim - len(shape)
    common = (Ellipsis,) + tuple(slice(0, min(a, b)) for a, b in zip(x.shape[nb:], shape))
    out = xp.zeros(x.shape[:nb] + tuple(shape), dtype=x.dtype)
    out[common] = x[common]
    return out


def _crop_or_pad_vjp(g: Any, needs: Sequence[bool], ans: Any, x_shape: Shape,
                     shape: Shape) -> tuple[Any, ...]:
    # Cropping's transpose pads with zeros and padding's crops: the same map back.
    return (crop_or_pad(g, x_shape),)


def _crop_or_pad_jvp(t: Sequence[Any], ans: Any, x: Any, shape: Shape) -> Any:
    return crop_or_pad(t[0], shape)


crop_or_pad = defprimitive(
    "crop_or_pad", _crop_or_pad_forward, _crop_or_pad_vjp, _crop_or_pad_jvp, save="s",
    samples=[Sample((3, 4), params=((5, 2),)), Sample((4,), params=((4,),)),
             Sample((2, 3), params=((2, 6),), dtype=np.complex128)])
crop_or_pad.__doc__ = """``x`` cut or zero-padded to ``shape`` (its trailing dimensions)."""


# ---- real part (the cotangent of a real input to a complex transform) -------------------


def _real_part_forward(x: Array) -> Array:
    return namespace(x).real(x).copy()


def _real_part_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any) -> tuple[Any, ...]:
    # Re is R-linear from C to R; its transpose embeds the real cotangent in C unchanged.
    return (g,)


def _real_part_jvp(t: Sequence[Any], ans: Any, x: Any) -> Any:
    return real_part(t[0])


real_part = defprimitive(
    "real_part", _real_part_forward, _real_part_vjp, _real_part_jvp, save="-",
    samples=[Sample((3, 4), dtype=np.complex128), Sample((3,))])
real_part.__doc__ = """The real part of ``x`` (a copy)."""


# ---- w * conj(x) with Hermitian bin weights ---------------------------------------------


def _bin_weights(xp: ModuleType, m: int, n: int, interior: float, axis: int,
                 dtype: DTypeLike) -> Array:
    """Weights along ``axis`` (length ``m``, of an ``n``-point real transform): 1 at the DC
    bin and (``n`` even) the Nyquist bin, ``interior`` at the others."""
    w = xp.full(m, interior, dtype=dtype)
    w[0] = 1
    if n % 2 == 0 and m == n // 2 + 1:
        w[m - 1] = 1
    return w.reshape((m,) + (1,) * (-axis - 1))


def _conj_scale_forward(x: Array, axis: int, n: int, interior: float) -> Array:
    xp = namespace(x)
    out = xp.conj(x)
    if interior == 1:
        return out
    return out * _bin_weights(xp, x.shape[axis], n, interior, axis, x.real.dtype)


def _conj_scale_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, axis: int, n: int,
                    interior: float) -> tuple[Any, ...]:
    # x -> w conj(x) is its own transpose: Re(u w conj(x)) = Re(w conj(u) x) for real w.
    return (conj_scale(g, axis, n, interior),)


def _conj_scale_jvp(t: Sequence[Any], ans: Any, x: Any, axis: int, n: int, interior: float) -> Any:
    return conj_scale(t[0], axis, n, interior)


conj_scale = defprimitive(
    "conj_scale", _conj_scale_forward, _conj_scale_vjp, _conj_scale_jvp, save="-",
    samples=[Sample((3, 4), params=(-1, 6, 2.0), dtype=np.complex128),
             Sample((4, 3), params=(-2, 7, 0.5), dtype=np.complex128),
             Sample((2, 3), params=(-1, 4, 1.0), dtype=np.complex128),
             Sample((2, 3), params=(-1, 5, 0.5))])
conj_scale.__doc__ = """``w * conj(x)``: the Hermitian weights along ``axis`` of the
``n``-point real transform (1 at DC and Nyquist, ``interior`` elsewhere)."""


# ---- complex-to-complex transforms ------------------------------------------------------


def _fftn_forward(x: Array, axes: tuple[int, ...], norm: str, real_input: bool) -> Array:
    return namespace(x).fft.fftn(x, axes=axes, norm=norm)


def _ifftn_forward(x: Array, axes: tuple[int, ...], norm: str, real_input: bool) -> Array:
    return namespace(x).fft.ifftn(x, axes=axes, norm=norm)


def _fftn_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, axes: tuple[int, ...], norm: str,
              real_input: bool) -> tuple[Any, ...]:
    ct = fftn(g, axes, norm, False)  # the DFT matrix is symmetric: its own transpose
    return (real_part(ct) if real_input else ct,)


def _fftn_jvp(t: Sequence[Any], ans: Any, x: Any, axes: tuple[int, ...], norm: str,
              real_input: bool) -> Any:
    return fftn(t[0], axes, norm, False)


def _ifftn_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any, axes: tuple[int, ...], norm: str,
               real_input: bool) -> tuple[Any, ...]:
    ct = ifftn(g, axes, norm, False)
    return (real_part(ct) if real_input else ct,)


def _ifftn_jvp(t: Sequence[Any], ans: Any, x: Any, axes: tuple[int, ...], norm: str,
               real_input: bool) -> Any:
    return ifftn(t[0], axes, norm, False)


# The registry's samples are complex: tests/test_transforms.py compares real samples'
# Jacobians as real arrays. tests/test_numpy_fft.py checks the real-input rules.
def _c2c_samples() -> list[Sample]:
    return [Sample((3, 4), params=((-1,), "backward", False), dtype=np.complex128),
            Sample((3, 4), params=((-2, -1), "ortho", False), dtype=np.complex128),
            Sample((2, 3, 4), params=((-3, -1), "forward", False), dtype=np.complex128),
            Sample((5,), params=((-1,), "backward", False), dtype=np.complex128)]


fftn = defprimitive("fftn", _fftn_forward, _fftn_vjp, _fftn_jvp, save="-",
                    samples=_c2c_samples())
fftn.__doc__ = """The discrete Fourier transform of ``x`` over ``axes`` (distinct, negative);
``real_input`` says that ``x`` is real (its cotangent is then real)."""
ifftn = defprimitive("ifftn", _ifftn_forward, _ifftn_vjp, _ifftn_jvp, save="-",
                     samples=_c2c_samples())
ifftn.__doc__ = """The inverse discrete Fourier transform of ``x`` over ``axes`` (distinct,
negative); ``real_input`` says that ``x`` is real (its cotangent is then real)."""


# ---- real-to-complex and complex-to-real transforms -------------------------------------


def _rfftn_forward(x: Array, axes: tuple[int, ...], norm: str) -> Array:
    # A complex x counts by its real part (funcgrad.numpy.fft.rfft refuses one, as NumPy
    # does); so the map is defined, and checked, on complex samples too.
    xp = namespace(x)
    return xp.fft.rfftn(xp.real(x) if x.dtype.kind == "c" else x, axes=axes, norm=norm)


def _rfftn_vjp(g: Any, needs: Sequence[bool], ans: Any, x_shape: Shape, axes: tuple[int, ...],
               norm: str) -> tuple[Any, ...]:
    # Re(F pad(g)): irfftn counts each interior bin twice, so those carry a weight of 1/2.
    sizes = tuple(x_shape[a] for a in axes)
    weighted = conj_scale(g, axes[-1], sizes[-1], 0.5)
    return (irfftn(weighted, axes, sizes[-1], swap_norm(norm), False),)


def _rfftn_jvp(t: Sequence[Any], ans: Any, x: Any, axes: tuple[int, ...], norm: str) -> Any:
    return rfftn(t[0], axes, norm)


rfftn = defprimitive(
    "rfftn", _rfftn_forward, _rfftn_vjp, _rfftn_jvp, save="s",
    samples=[Sample((3, 6), params=((-1,), "backward"), dtype=np.complex128),
             Sample((3, 5), params=((-1,), "ortho"), dtype=np.complex128),
             Sample((4, 3), params=((-1, -2), "forward"), dtype=np.complex128),
             Sample((2, 3, 4), params=((-3, -1), "backward"), dtype=np.complex128),
             Sample((1,), params=((-1,), "backward"), dtype=np.complex128),
             Sample((2,), params=((-1,), "ortho"), dtype=np.complex128)])
rfftn.__doc__ = """The discrete Fourier transform of real ``x`` (of its real part, if complex)
over ``axes`` (distinct, negative), keeping the ``n // 2 + 1`` non-negative frequencies along
the last of them."""


def _irfftn_forward(c: Array, axes: tuple[int, ...], n: int, norm: str,
                    real_input: bool) -> Array:
    sizes = [c.shape[a] for a in axes[:-1]] + [n]
    return namespace(c).fft.irfftn(c, s=sizes, axes=axes, norm=norm)


def _irfftn_vjp(g: Any, needs: Sequence[bool], ans: Any, c: Any, axes: tuple[int, ...], n: int,
                norm: str, real_input: bool) -> tuple[Any, ...]:
    # W conj(rfftn(g)): the bins irfftn counts twice (not DC, not Nyquist) carry weight 2.
    ct = conj_scale(rfftn(g, axes, swap_norm(norm)), axes[-1], n, 2.0)
    return (real_part(ct) if real_input else ct,)


def _irfftn_jvp(t: Sequence[Any], ans: Any, c: Any, axes: tuple[int, ...], n: int, norm: str,
                real_input: bool) -> Any:
    return irfftn(t[0], axes, n, norm, False)


irfftn = defprimitive(
    "irfftn", _irfftn_forward, _irfftn_vjp, _irfftn_jvp, save="-",
    samples=[Sample((3, 4), params=((-1,), 6, "backward", False), dtype=np.complex128),
             Sample((3, 3), params=((-1,), 5, "ortho", False), dtype=np.complex128),
             Sample((4, 3), params=((-2, -1), 4, "forward", False), dtype=np.complex128),
             Sample((3, 2, 4), params=((-1, -3), 4, "backward", False), dtype=np.complex128),
             Sample((1,), params=((-1,), 1, "ortho", False), dtype=np.complex128),
             Sample((2, 4), params=((-1,), 6, "ortho", True))])
irfftn.__doc__ = """The inverse of :func:`rfftn`: a real output with ``n`` points along the
last of ``axes`` from ``n // 2 + 1`` bins (the imaginary parts of the DC and Nyquist bins
are ignored); ``real_input`` says that ``c`` is real (its cotangent is then real)."""


# ---- shifts -----------------------------------------------------------------------------


def _fftshift_forward(x: Array, axes: tuple[int, ...]) -> Array:
    return namespace(x).fft.fftshift(x, axes=axes)


def _ifftshift_forward(x: Array, axes: tuple[int, ...]) -> Array:
    return namespace(x).fft.ifftshift(x, axes=axes)


def _fftshift_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any,
                  axes: tuple[int, ...]) -> tuple[Any, ...]:
    return (ifftshift(g, axes),)  # a roll's transpose is the opposite roll


def _fftshift_jvp(t: Sequence[Any], ans: Any, x: Any, axes: tuple[int, ...]) -> Any:
    return fftshift(t[0], axes)


def _ifftshift_vjp(g: Any, needs: Sequence[bool], ans: Any, x: Any,
                   axes: tuple[int, ...]) -> tuple[Any, ...]:
    return (fftshift(g, axes),)


def _ifftshift_jvp(t: Sequence[Any], ans: Any, x: Any, axes: tuple[int, ...]) -> Any:
    return ifftshift(t[0], axes)


_SHIFT_SAMPLES = [Sample((5,), params=((-1,),)), Sample((3, 4), params=((-2, -1),)),
                  Sample((3, 4), params=((-2,),), dtype=np.complex128)]
fftshift = defprimitive("fftshift", _fftshift_forward, _fftshift_vjp, _fftshift_jvp,
                        save="-", samples=_SHIFT_SAMPLES)
fftshift.__doc__ = """``x`` rolled so that the zero frequency is at the centre of ``axes``."""
ifftshift = defprimitive("ifftshift", _ifftshift_forward, _ifftshift_vjp, _ifftshift_jvp,
                         save="-", samples=_SHIFT_SAMPLES)
ifftshift.__doc__ = """The inverse of :func:`fftshift` (they differ for odd lengths)."""

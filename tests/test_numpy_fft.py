"""funcgrad.numpy.fft: values against NumPy, derivatives against finite differences and
closed forms (reverse and forward mode, second order), complex values, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.ops import REGISTRY, Sample
from funcgrad.ops import fft as fft_ops
from funcgrad.testing import check_grads, check_primitive

RNG = np.random.default_rng(7)
NORMS = [None, "ortho", "forward"]


def real(*shape):
    return RNG.standard_normal(shape)


def cplx(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def T(a, grad=False):
    return fg.from_numpy(np.array(a)).requires_grad_(grad)


def values(t):
    return t.detach().numpy() if isinstance(t, fg.Tensor) else np.asarray(t)


# name, input maker, keyword arguments: the cases the values and derivatives are checked on.
ONE_D = [
    ("fft", real, {}), ("fft", cplx, {"n": 7}), ("fft", real, {"n": 3, "axis": 0}),
    ("ifft", cplx, {}), ("ifft", real, {"n": 8, "axis": -2}), ("ifft", cplx, {"n": 2}),
    ("rfft", real, {}), ("rfft", real, {"n": 7}), ("rfft", real, {"n": 2, "axis": 0}),
    ("irfft", cplx, {}), ("irfft", cplx, {"n": 7}), ("irfft", cplx, {"n": 4, "axis": 0}),
    ("irfft", cplx, {"n": 12}), ("irfft", real, {"n": 5}),
    ("hfft", cplx, {}), ("hfft", cplx, {"n": 5}), ("hfft", real, {"n": 4, "axis": 0}),
    ("ihfft", real, {}), ("ihfft", real, {"n": 7}), ("ihfft", real, {"n": 2, "axis": 0}),
]
N_D = [
    ("fft2", cplx, {}), ("fft2", real, {"s": (5, 3)}), ("ifft2", cplx, {"axes": (0, 2)}),
    ("ifft2", real, {"s": (2, 6), "axes": (-1, 0)}),
    ("fftn", cplx, {}), ("fftn", real, {"s": (2, 5), "axes": (2, 0)}),
    ("fftn", cplx, {"axes": (1, 1)}), ("ifftn", cplx, {"s": (4, 4, 2), "axes": (0, 1, 2)}),
    ("ifftn", real, {"axes": (-1,)}),
    ("rfft2", real, {}), ("rfft2", real, {"s": (4, 5)}), ("irfft2", cplx, {}),
    ("irfft2", cplx, {"s": (3, 5), "axes": (0, 2)}),
    ("rfftn", real, {}), ("rfftn", real, {"s": (3, 2), "axes": (0, 1)}),
    ("rfftn", real, {"axes": (2, 2)}), ("rfftn", real, {"axes": (1, 2, 1)}),
    ("irfftn", cplx, {}), ("irfftn", cplx, {"s": (4, 6), "axes": (-1, 0)}),
    ("irfftn", cplx, {"s": (-1, 3), "axes": (0, 1)}), ("irfftn", cplx, {"axes": (0, 1, 0)}),
    ("irfftn", real, {"s": (2, 2, 2), "axes": (0, 1, 2)}),
]
CASES = [(name, make, kw, norm) for name, make, kw in ONE_D + N_D for norm in NORMS]


def _input(name, make, kw):
    shape = (4, 5) if name in {n for n, _, _ in ONE_D} else (3, 4, 5)
    return make(*shape)


def _case_id(case):
    name, make, kw, norm = case
    return f"{name}-{make.__name__}-{kw}-{norm}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_values_and_derivatives(case):
    name, make, kw, norm = case
    x = _input(name, make, kw)
    ours, theirs = getattr(fnp.fft, name), getattr(np.fft, name)
    want = theirs(x, norm=norm, **kw)
    # Raw arrays: exactly NumPy.
    got = ours(x, norm=norm, **kw)
    assert type(got) is np.ndarray and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    # Tensors: the same values, recorded.
    t = ours(T(x, True), norm=norm, **kw)
    assert isinstance(t, fg.Tensor) and t.requires_grad and t.shape == want.shape
    assert t.dtype.numpy == want.dtype
    np.testing.assert_allclose(values(t), want, rtol=1e-12, atol=1e-12)
    # Reverse mode to second order, through a nonlinearity so the second order is not zero.
    check_grads(lambda a: ours(a * a, norm=norm, **kw), [x], order=2)


@pytest.mark.parametrize("k", range(len(ONE_D + N_D)))
def test_forward_mode_matches_finite_differences(k):
    name, make, kw = (ONE_D + N_D)[k]
    norm = NORMS[k % 3]
    x = _input(name, make, kw)
    ours, theirs = getattr(fnp.fft, name), getattr(np.fft, name)
    v = make(*x.shape)
    eps = 1e-6
    out, tangent = fg.jvp(lambda a: ours(a * a, norm=norm, **kw), (x,), (v,))
    numeric = (theirs((x + eps * v) ** 2, norm=norm, **kw)
               - theirs((x - eps * v) ** 2, norm=norm, **kw)) / (2 * eps)
    np.testing.assert_allclose(values(out), theirs(x * x, norm=norm, **kw), atol=1e-12)
    np.testing.assert_allclose(values(tangent), numeric, rtol=1e-6, atol=1e-6)


def test_jacfwd_of_real_to_complex_is_the_dft_matrix():
    x = real(5)
    jac = fg.jacfwd(lambda a: fnp.fft.fft(a, n=6))(x)
    np.testing.assert_allclose(jac, np.fft.fft(np.eye(6)[:, :5], axis=0), atol=1e-12)
    jac = fg.jacfwd(lambda a: fnp.fft.rfft(a, norm="ortho"))(x)
    np.testing.assert_allclose(jac, np.fft.rfft(np.eye(5), axis=0, norm="ortho"), atol=1e-12)


def test_complex_to_complex_jacobians_are_holomorphic():
    z = cplx(4)
    want = np.fft.ifft(np.eye(3, 4), axis=0)  # d ifft(z, n=3) / d z: crop, then transform
    for transform in (fg.jacrev, fg.jacfwd):
        np.testing.assert_allclose(transform(lambda a: fnp.fft.ifft(a, n=3), holomorphic=True)(z),
                                   want, atol=1e-12)
        with pytest.raises(TypeError, match="holomorphic=True"):
            transform(lambda a: fnp.fft.ifft(a, n=3))(z)


@pytest.mark.parametrize("n", [4, 5])
@pytest.mark.parametrize("norm", NORMS)
def test_rfft_and_irfft_gradients_have_the_hermitian_weights(n, norm):
    """Closed forms: the gradient of Re sum(c * rfft(x)) and of sum(h * irfft(c))."""
    x, c, h = real(n), cplx(n // 2 + 1), real(n)
    dft = np.fft.fft(np.eye(n), axis=0, norm=norm)  # the full DFT matrix, symmetric
    leaf = T(x, True)
    fnp.sum(fft_ops.real_part(fnp.fft.rfft(leaf, norm=norm) * c)).backward()
    np.testing.assert_allclose(values(leaf.grad), np.real(dft[: n // 2 + 1].T @ c), atol=1e-12)
    # irfft is R-linear: irfft(c) = A Re(c) + B Im(c) (A, B: its responses to unit real and
    # imaginary bins). Under Re sum(g * dc) the gradient of sum(h * irfft(c)) is A^T h - i B^T h.
    leaf = T(c, True)
    fnp.sum(fnp.fft.irfft(leaf, n=n, norm=norm) * h).backward()
    mat = np.stack([np.fft.irfft(e, n=n, norm=norm) for e in np.eye(n // 2 + 1)], 1)
    mat_i = np.stack([np.fft.irfft(1j * e, n=n, norm=norm) for e in np.eye(n // 2 + 1)], 1)
    want = mat.T @ h - 1j * (mat_i.T @ h)
    np.testing.assert_allclose(values(leaf.grad), want, atol=1e-12)
    assert abs(values(leaf.grad)[0].imag) < 1e-12  # the DC bin's imaginary part is unused
    if n % 2 == 0:
        assert abs(values(leaf.grad)[-1].imag) < 1e-12  # so is the Nyquist bin's


# ---- the primitives' rules on real inputs (the registry's samples are complex) ----------


REAL_INPUT_SAMPLES = [
    ("fftn", Sample((5,), params=((-1,), "backward", True))),
    ("fftn", Sample((3, 4), params=((-2, -1), "ortho", True))),
    ("ifftn", Sample((3, 4), params=((-2,), "forward", True))),
    ("ifftn", Sample((2, 3), params=((-1, -2), "backward", True))),
    ("rfftn", Sample((3, 6), params=((-1,), "backward"))),
    ("rfftn", Sample((3, 5), params=((-1,), "ortho"))),
    ("rfftn", Sample((4, 3), params=((-1, -2), "forward"))),
    ("rfftn", Sample((2, 3, 4), params=((-3, -1), "backward"))),
    ("rfftn", Sample((1,), params=((-1,), "ortho"))),
    ("irfftn", Sample((3, 2), params=((-1, -2), 5, "forward", True))),
]


@pytest.mark.parametrize("name, sample", REAL_INPUT_SAMPLES)
def test_primitive_rules_on_real_inputs(name, sample):
    check_primitive(REGISTRY[name], sample)


def test_real_input_cotangents_are_real():
    # The rules take the real part themselves: no complex cotangent reaches a real tensor
    # (the engine would cast it with a ComplexWarning).
    x = T(real(6), True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        for out in (fnp.fft.fft(x), fnp.fft.ifft(x, n=4), fnp.fft.rfft(x), fnp.fft.irfft(x),
                    fnp.fft.hfft(x), fnp.fft.fftn(fnp.sin(x))):
            ct = cplx(*out.shape) if out.is_complex() else real(*out.shape)
            (g,) = fg.autograd.grad(out, [x], grad_outputs=fg.from_numpy(ct), create_graph=True)
            assert g.dtype == fg.float64


# ---- the Tensor facade with complex data ------------------------------------------------


def test_complex_tensor_repr_and_dtype():
    y = fnp.fft.fft(T([1.0, 0.0, -1.0, 0.0], True))
    assert y.dtype == fg.complex128 and y.is_complex()
    assert repr(y) == ("tensor([0.+0.j, 2.+0.j, 0.+0.j, 2.+0.j], dtype=funcgrad.complex128,\n"
                       "       grad_fn=<FftnBackward0>)")
    y32 = fnp.fft.rfft(fg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True))
    assert y32.dtype == fg.complex64  # NumPy keeps single precision
    assert repr(y32) == "tensor([10.+0.j, -2.+2.j, -2.+0.j], grad_fn=<RfftnBackward0>)"


def test_backward_of_a_real_loss_through_complex_intermediates():
    # sum |fft(x)|^2 = n sum x^2 (Parseval): gradient 2 n x, computed as Re(X conj(X)).
    x = real(8)
    leaf = T(x, True)
    spectrum = fnp.fft.fft(leaf)
    power = fft_ops.real_part(spectrum * fft_ops.conj_scale(spectrum, -1, 8, 1.0))
    fnp.sum(power).backward()
    np.testing.assert_allclose(values(leaf.grad), 2 * 8 * x, rtol=1e-12)
    assert leaf.grad.dtype == fg.float64
    # float32 stays float32 through complex64.
    leaf32 = fg.tensor(x.astype(np.float32), requires_grad=True)
    spectrum = fnp.fft.rfft(leaf32)
    fnp.sum(fft_ops.real_part(spectrum * fft_ops.conj_scale(spectrum, -1, 8, 1.0))).backward()
    assert leaf32.grad.dtype == fg.float32


def test_abs_of_fft_squared():
    # Parseval: sum |fft(x)|^2 = n sum x^2, so the gradient is 2 n x.
    x = real(4)
    leaf = T(x, True)
    fnp.sum(fnp.abs(fnp.fft.fft(leaf)) ** 2).backward()
    np.testing.assert_allclose(values(leaf.grad), 2 * 4 * x, rtol=1e-12)


def test_second_order_and_hessian():
    # A Fourier filter is linear: sum(filter(x)^2) has the Hessian 2 A^T A.
    w = np.array([1.0, 0.5, 0.0, 0.25])
    x = real(6)

    def loss(a):
        return fnp.sum(fnp.fft.irfft(fnp.fft.rfft(a) * w, n=6) ** 2)

    mat = np.stack([np.fft.irfft(np.fft.rfft(e) * w, n=6) for e in np.eye(6)], 1)
    np.testing.assert_allclose(fg.grad(loss)(x), 2 * mat.T @ mat @ x, atol=1e-12)
    np.testing.assert_allclose(fg.hessian(loss)(x), 2 * mat.T @ mat, atol=1e-12)
    np.testing.assert_allclose(fg.jacfwd(fg.jacfwd(loss))(x), 2 * mat.T @ mat, atol=1e-12)
    np.testing.assert_allclose(fg.jacrev(fg.jacrev(loss))(x), 2 * mat.T @ mat, atol=1e-12)


def test_hessian_through_complex_intermediates():
    # sum |fftn(x, s)|^2 over a zero-padded grid = N sum x^2 (Parseval): Hessian 2 N I.
    x = real(2, 3)

    def power(a):
        spectrum = fnp.fft.fftn(a, s=(4, 5), axes=(0, 1), norm="ortho")
        return fnp.sum(fft_ops.real_part(spectrum * fft_ops.conj_scale(spectrum, -1, 5, 1.0)))

    np.testing.assert_allclose(fg.grad(power)(x), 2 * x, atol=1e-12)
    np.testing.assert_allclose(fg.hessian(power)(x), 2 * np.eye(6).reshape(2, 3, 2, 3),
                               atol=1e-12)


def test_numpy_functions_dispatch_on_tensors():
    x = real(3, 4)
    leaf = T(x, True)
    for name in ("fft", "ifft", "rfft", "fft2", "rfftn", "ihfft", "fftshift", "ifftshift"):
        out = getattr(np.fft, name)(leaf)
        assert isinstance(out, fg.Tensor) and out.requires_grad, name
        np.testing.assert_allclose(values(out), getattr(np.fft, name)(x), atol=1e-12)
    out = np.fft.irfft(fnp.fft.rfft(leaf, axis=0), n=3, axis=0)
    np.testing.assert_allclose(values(out), x, atol=1e-12)
    assert set(fnp.fft.NUMPY_FUNCTIONS) == {getattr(np.fft, n) for n in fnp.fft.__all__}


# ---- helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 4, 7])
def test_fftfreq_and_rfftfreq(n):
    for name in ("fftfreq", "rfftfreq"):
        ours, theirs = getattr(fnp.fft, name), getattr(np.fft, name)
        np.testing.assert_array_equal(ours(n), theirs(n))
        np.testing.assert_array_equal(ours(n, d=0.3), theirs(n, d=0.3))
        d = T(np.array(0.3), True)
        out = ours(n, d)
        np.testing.assert_allclose(values(out), theirs(n, 0.3), rtol=1e-15)
        check_grads(lambda a: ours(n, a), [np.array(0.3)], order=2)
        # d f / d d = -f / d
        fnp.sum(ours(n, d)).backward()
        np.testing.assert_allclose(values(d.grad), -theirs(n, 0.3).sum() / 0.3, atol=1e-12)


@pytest.mark.parametrize("axes", [None, 0, -1, (0, 1), [1], (1, 1)])
def test_shifts(axes):
    for shape in [(5,), (4, 5)] if axes in (None, 0, -1) else [(4, 5)]:
        x = cplx(*shape)
        for name, inverse in (("fftshift", "ifftshift"), ("ifftshift", "fftshift")):
            ours = getattr(fnp.fft, name)
            np.testing.assert_array_equal(ours(x, axes), getattr(np.fft, name)(x, axes))
            np.testing.assert_array_equal(values(ours(T(x), axes)), getattr(np.fft, name)(x, axes))
            back = getattr(fnp.fft, inverse)(ours(T(x, True), axes), axes)
            np.testing.assert_array_equal(values(back), x)
            check_grads(lambda a: ours(a * a, axes), [x], order=2)


def test_shift_jacobian_is_a_permutation():
    x = real(5)
    jac = fg.jacrev(lambda a: fnp.fft.fftshift(a))(x)
    np.testing.assert_array_equal(jac, np.fft.fftshift(np.eye(5), axes=0))
    np.testing.assert_array_equal(fg.jacfwd(lambda a: fnp.fft.ifftshift(a))(x),
                                  np.fft.ifftshift(np.eye(5), axes=0))


# ---- arguments and errors ---------------------------------------------------------------


def test_s_without_axes_warns_as_numpy_does():
    x = real(3, 4)
    with pytest.warns(DeprecationWarning, match="`axes` should not be `None`"):
        want = np.fft.fftn(x, s=(2, 6))
    with pytest.warns(DeprecationWarning, match="`axes` should not be `None`"):
        got = fnp.fft.fftn(T(x), s=(2, 6))
    np.testing.assert_allclose(values(got), want)


def test_s_with_none_entries_uses_the_1d_defaults():
    c = cplx(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        want = np.fft.irfftn(c, s=(None, None), axes=(0, 1))
        got = fnp.fft.irfftn(T(c), s=(None, None), axes=(0, 1))
    assert got.shape == want.shape == (3, 6)
    np.testing.assert_allclose(values(got), want, atol=1e-12)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2",
                                  "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn"])
def test_errors(name):
    f = getattr(fnp.fft, name)
    x = T(real(4, 4), True)
    with pytest.raises(TypeError, match="out="):
        f(x, out=np.empty((4, 4), complex))
    with pytest.raises(TypeError, match="out="):
        f(real(4, 4), out=np.empty((4, 4), complex))
    with pytest.raises(ValueError, match="Invalid norm value"):
        f(x, norm="unitary")
    if name.endswith(("2", "n")):
        with pytest.raises(ValueError, match="different lengths"):
            f(x, s=(4,), axes=(0, 1))
        with pytest.raises(ValueError, match="Invalid number of FFT data points"):
            f(x, s=(0, 4), axes=(0, 1))
        with pytest.raises(np.exceptions.AxisError):
            f(x, axes=(0, 2))
    else:
        with pytest.raises(ValueError, match="Invalid number of FFT data points"):
            f(x, n=0)
        with pytest.raises(np.exceptions.AxisError):
            f(x, axis=2)


def test_real_transforms_refuse_complex_input():
    for name in ("rfft", "rfft2", "rfftn", "ihfft"):
        with pytest.raises(TypeError, match="real"):
            getattr(fnp.fft, name)(T(cplx(4, 4)))


def test_irfft_of_a_single_bin_needs_n():
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        fnp.fft.irfft(T(cplx(1)))
    c = cplx(1)
    np.testing.assert_allclose(values(fnp.fft.irfft(T(c), n=1)), np.fft.irfft(c, n=1))


def test_frequencies_reject_other_devices():
    with pytest.raises(ValueError, match="device"):
        fnp.fft.fftfreq(4, T(np.array(1.0)), device="cuda")

"""funcgrad.nn.functional: values against closed forms and SciPy, gradients against finite
differences, reductions, PyTorch's errors, dtypes and extreme inputs."""

import math
import warnings

import numpy as np
import pytest
import scipy.special as sps
import scipy.stats

import funcgrad as fg
import funcgrad.nn.functional as F
import funcgrad.numpy as fnp
import funcgrad.scipy.special as fg_special
from funcgrad.ops import special as ops_special
from funcgrad.testing import check_grads

RNG = np.random.default_rng(0)


def away_from(points, shape, rng=RNG, margin=0.05, scale=2.5):
    """Random float64 values at least ``margin`` from every kink in ``points``."""
    x = rng.standard_normal(shape) * scale
    for p in points:
        close = np.abs(x - p) < margin
        x[close] += 2 * margin * np.sign(x[close] - p + 1e-300)
    return x


def value(t):
    return np.asarray(t.detach() if isinstance(t, fg.Tensor) else t)


# ---- activations: values --------------------------------------------------------------------

X = away_from([-3.0, 0.0, 3.0, 6.0, -1.0, 1.0], (4, 7))
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.logaddexp(0, beta * x) / beta)


REFERENCES = {
    "relu": (F.relu, lambda x: np.maximum(x, 0)),
    "relu6": (F.relu6, lambda x: np.clip(x, 0, 6)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1))),
    "selu": (F.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))),
    "celu": (lambda x: F.celu(x, 2.0), lambda x: np.where(x > 0, x, 2.0 * (np.exp(x / 2.0) - 1))),
    "gelu": (F.gelu, lambda x: x * scipy.stats.norm.cdf(x)),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    "silu": (F.silu, lambda x: x * sps.expit(x)),
    "mish": (F.mish, lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    "softplus": (F.softplus, np_softplus),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda x: np_softplus(x, 2.0, 3.0)),
    "sigmoid": (F.sigmoid, sps.expit),
    "tanh": (F.tanh, np.tanh),
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 0.5), lambda x: np.clip(x, -2.0, 0.5)),
    "hardsigmoid": (F.hardsigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    "hardswish": (F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "logsigmoid": (F.logsigmoid, lambda x: np.log(sps.expit(x))),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x))),
    "softmax": (lambda x: F.softmax(x, 1), lambda x: sps.softmax(x, axis=1)),
    "softmax0": (lambda x: F.softmax(x, dim=0), lambda x: sps.softmax(x, axis=0)),
    "log_softmax": (lambda x: F.log_softmax(x, -1), lambda x: sps.log_softmax(x, axis=-1)),
}


@pytest.mark.parametrize("name", REFERENCES)
def test_activation_values_match_closed_forms(name):
    fn, ref = REFERENCES[name]
    np.testing.assert_allclose(value(fn(fg.tensor(X))), ref(X), rtol=1e-12, atol=1e-14)
    # arrays in, arrays out
    out = fn(X)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, ref(X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", REFERENCES)
def test_activation_gradients_match_finite_differences(name):
    fn, _ = REFERENCES[name]
    check_grads(lambda x: fn(x), [X], order=2, name=name)


@pytest.mark.parametrize("name", REFERENCES)
def test_activations_keep_float32(name):
    fn, ref = REFERENCES[name]
    x32 = X.astype(np.float32)
    t = fn(fg.tensor(x32, requires_grad=True))
    assert t.dtype == fg.float32
    t.sum().backward()
    assert isinstance(fn(x32), np.ndarray) and fn(x32).dtype == np.float32
    np.testing.assert_allclose(value(t), ref(X), rtol=2e-6, atol=2e-6)


def test_kinks_take_pytorchs_subgradients():
    # Where a function has a corner, the gradient is the one PyTorch returns there.
    cases = {
        F.relu: ([0.0], [0.0]),
        F.relu6: ([0.0, 6.0], [0.0, 0.0]),
        F.hardtanh: ([-1.0, 1.0], [0.0, 0.0]),
        F.leaky_relu: ([0.0], [0.01]),
        F.elu: ([0.0], [1.0]),
        F.hardsigmoid: ([-3.0, 3.0], [0.0, 0.0]),
        F.hardswish: ([-3.0, 3.0], [0.0, 1.0]),
    }
    for fn, (points, expected) in cases.items():
        x = fg.tensor(points, dtype=fg.float64, requires_grad=True)
        fn(x).sum().backward()
        np.testing.assert_array_equal(value(x.grad), expected, err_msg=fn.__name__)


def test_gelu_is_exact_and_its_tanh_form_is_close():
    x = np.linspace(-6, 6, 101)
    exact = value(F.gelu(x))
    # 1 + erf(x / sqrt 2) cancels for very negative x (as PyTorch's does): absolute accuracy
    np.testing.assert_allclose(exact, 0.5 * x * sps.erfc(-x / math.sqrt(2)), rtol=1e-14, atol=1e-15)
    assert np.max(np.abs(value(F.gelu(x, approximate="tanh")) - exact)) < 1e-3
    # d/dx x Phi(x) = Phi(x) + x phi(x)
    g = fg.grad(lambda v: fnp.sum(F.gelu(v)))(x)
    np.testing.assert_allclose(g, scipy.stats.norm.cdf(x) + x * scipy.stats.norm.pdf(x), rtol=1e-12, atol=1e-14)


def test_softplus_threshold_switches_to_identity():
    x = fg.tensor([19.0, 21.0], dtype=fg.float64, requires_grad=True)
    y = F.softplus(x)
    assert value(y)[1] == 21.0 and value(y)[0] == pytest.approx(np.logaddexp(0, 19.0), rel=1e-15)
    y.sum().backward()
    np.testing.assert_allclose(value(x.grad), [sps.expit(19.0), 1.0], rtol=1e-15)


EXTREME = np.array([-1e4, -750.0, -100.0, -30.0, 30.0, 100.0, 750.0, 1e4])


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "gelu", "gelu_tanh", "silu", "mish",
                                  "softplus", "softplus_beta", "sigmoid", "logsigmoid", "softsign",
                                  "hardswish", "softmax0"])
def test_extreme_inputs_give_finite_values_and_gradients(name):
    fn, ref = REFERENCES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        for dtype in (np.float64, np.float32):
            x = fg.tensor(EXTREME.astype(dtype), requires_grad=True)
            y = fn(x)
            assert np.all(np.isfinite(value(y))), name
            y.sum().backward()
            assert np.all(np.isfinite(value(x.grad))), name
    references = {"mish": lambda x: x * np.tanh(np.logaddexp(0, x)),
                  "logsigmoid": lambda x: -np.logaddexp(0, -x)}
    with np.errstate(over="ignore"):  # the naive references overflow; the functions must not
        expected = references.get(name, ref)(EXTREME)
    # Absolute in the far tails: 1 + erf(x) (gelu, as in PyTorch) and funcgrad's sigmoid
    # round values below ~1e-15 to 0 there.
    np.testing.assert_allclose(value(fn(EXTREME)), expected, rtol=1e-12, atol=1e-15)


def test_logsigmoid_is_accurate_far_in_the_tails():
    # log(sigmoid(-800)) = -800 exactly to double precision; the naive log(sigmoid) is -inf
    assert value(F.logsigmoid(np.array([-800.0])))[0] == -800.0
    assert value(F.logsigmoid(np.array([40.0])))[0] == pytest.approx(-math.exp(-40.0), rel=1e-12)


def test_softmax_and_log_softmax_are_stable_and_take_dtype():
    x = fg.tensor([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(value(F.softmax(x, dim=1)), [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(value(F.log_softmax(x, dim=1)), [[0.0, -1000.0, -2000.0]])
    out = F.softmax(fg.tensor([1.0, 2.0]), dim=0, dtype=fg.float64)
    assert out.dtype == fg.float64
    assert F.log_softmax(np.array([1, 2]), 0, dtype=np.float32).dtype == np.float32


def test_softmax_without_dim_warns_and_picks_pytorchs_dimension():
    x = np.arange(24.0).reshape(2, 3, 4)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"):
        out = F.softmax(x)
    np.testing.assert_allclose(out, sps.softmax(x, axis=0))  # 3-d: dim 0
    with pytest.warns(UserWarning, match="log_softmax"):
        out = F.log_softmax(x[0])
    np.testing.assert_allclose(out, sps.log_softmax(x[0], axis=1))  # 2-d: dim 1


def test_integer_inputs_follow_pytorch():
    ints = fg.tensor([-2, 0, 3])
    assert F.relu(ints).dtype == fg.int64 and value(F.relu(ints)).tolist() == [0, 0, 3]
    assert F.relu6(np.array([-2, 9])).tolist() == [0, 6]
    assert F.hardtanh(ints).dtype == fg.int64
    assert F.sigmoid(ints).dtype == fg.float32  # the default float dtype, as torch.sigmoid
    assert F.softsign(ints).dtype == fg.float32
    for fn, name in [(F.elu, "elu"), (F.gelu, "gelu"), (F.silu, "silu"), (F.softplus, "softplus"),
                     (F.leaky_relu, "leaky_relu"), (F.logsigmoid, "log_sigmoid")]:
        with pytest.raises(NotImplementedError, match=f'"{name}" not implemented for \'Long\''):
            fn(ints)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F.softmax(ints, 0)


def test_activation_argument_errors():
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(fg.ones(2), 1.0, -1.0)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh."):
        F.gelu(fg.ones(2), approximate="erf")
    with pytest.raises(RuntimeError, match="alpha cannot be 0 for CELU"):
        F.celu(fg.ones(2), alpha=0.0)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        F.softmax(fg.ones(2, 2), dim=2)


def test_inplace_writes_into_the_input_and_keeps_gradients_right():
    a = np.array([-1.0, 2.0])
    out = F.elu(a, inplace=True)
    assert out is a and a[0] == pytest.approx(math.expm1(-1.0))
    leaf = fg.tensor([-1.0, 2.0, -0.5], dtype=fg.float64, requires_grad=True)
    h = leaf * 2.0
    same = F.elu(h, inplace=True)
    assert same is h and h.grad_fn is not None
    h.sum().backward()  # the graph saved a copy, not the overwritten h
    np.testing.assert_allclose(value(leaf.grad), 2 * np.where(value(leaf) > 0, 1.0, np.exp(2 * value(leaf))))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        F.relu(fg.ones(2, requires_grad=True), inplace=True)


# ---- the error function under gelu (a registered primitive: its rules are checked by the
# registry test) -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_matches_scipy_and_the_standard_library_fallback(name, monkeypatch):
    x = np.linspace(-7, 7, 301)
    fn = getattr(fg_special, name)
    np.testing.assert_allclose(fn(x), getattr(sps, name)(x), rtol=1e-15, atol=1e-300)
    assert fn(x.astype(np.float32)).dtype == np.float32
    # Without SciPy: the standard library, elementwise, with the same values.
    monkeypatch.setattr(ops_special, "_kernels", {name: ops_special._elementwise(getattr(math, name))})
    np.testing.assert_array_equal(fn(x), [getattr(math, name)(v) for v in x])
    assert fn(x.astype(np.float32)).dtype == np.float32


def test_erf_records_as_pytorch_names_it():
    x = fg.tensor([0.3], requires_grad=True)
    y = fg_special.erf(x)
    assert type(y.grad_fn).__name__ == "ErfBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 / np.sqrt(np.pi) * np.exp(-0.09), rtol=1e-6)


# ---- regression losses ------------------------------------------------------------------------

A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((3, 4))
W = RNG.random((3, 4)) + 0.1


def huber_ref(d, delta):
    return np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))


def smooth_l1_ref(d, beta):
    return np.where(np.abs(d) < beta, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta)


REGRESSION = {
    "mse": (F.mse_loss, lambda d: d * d),
    "l1": (F.l1_loss, np.abs),
    "smooth_l1": (F.smooth_l1_loss, lambda d: smooth_l1_ref(d, 1.0)),
    "smooth_l1_beta": (lambda a, b, **k: F.smooth_l1_loss(a, b, beta=0.4, **k), lambda d: smooth_l1_ref(d, 0.4)),
    "huber": (F.huber_loss, lambda d: huber_ref(d, 1.0)),
    "huber_delta": (lambda a, b, **k: F.huber_loss(a, b, delta=0.3, **k), lambda d: huber_ref(d, 0.3)),
}


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_losses_and_their_reductions(name):
    fn, ref = REGRESSION[name]
    elementwise = ref(A - B)
    np.testing.assert_allclose(value(fn(fg.tensor(A), fg.tensor(B), reduction="none")), elementwise, rtol=1e-13)
    np.testing.assert_allclose(value(fn(fg.tensor(A), fg.tensor(B), reduction="sum")), elementwise.sum(), rtol=1e-13)
    np.testing.assert_allclose(value(fn(fg.tensor(A), fg.tensor(B))), elementwise.mean(), rtol=1e-13)
    np.testing.assert_allclose(fn(A, B), elementwise.mean(), rtol=1e-13)
    # gradients in both arguments, each reduction
    for reduction in ("none", "sum", "mean"):
        check_grads(lambda a, b: fn(a, b, reduction=reduction), [A, B], order=2, name=name)


def test_weighted_losses_divide_as_pytorch_does():
    d = A - B
    np.testing.assert_allclose(value(F.mse_loss(A, B, weight=W)), (W * d * d).sum() / W.sum(), rtol=1e-13)
    np.testing.assert_allclose(value(F.l1_loss(A, B, weight=W, reduction="sum")), (W * np.abs(d)).sum(), rtol=1e-13)
    # huber's weighted mean is the plain mean of the weighted losses
    np.testing.assert_allclose(value(F.huber_loss(A, B, weight=W)), (W * huber_ref(d, 1.0)).mean(), rtol=1e-13)
    check_grads(lambda a, w: F.mse_loss(a, B, weight=w), [A, W], order=2)
    with pytest.raises(ValueError, match="Weights and input must have the same size."):
        F.mse_loss(A, B, weight=W[0])


def test_smooth_l1_with_beta_zero_is_l1():
    np.testing.assert_allclose(value(F.smooth_l1_loss(A, B, beta=0.0)), np.abs(A - B).mean(), rtol=1e-14)


def test_regression_loss_errors_and_warnings():
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.mse_loss(A, B, reduction="avg")
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values for beta."):
        F.smooth_l1_loss(A, B, beta=-1.0)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values for delta."):
        F.huber_loss(A, B, delta=0.0)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton dimension 1"), \
            pytest.warns(UserWarning, match="Using a target size"):
        F.l1_loss(A, B[:, :3])
    with pytest.warns(UserWarning, match=r"Using a target size \(funcgrad.Size\(\[4\]\)\) that is different to the input size \(funcgrad.Size\(\[3, 4\]\)\)") as record:
        out = F.mse_loss(A, B[0])
    assert record[0].filename == __file__  # reported at the caller's line
    np.testing.assert_allclose(out, ((A - B[0]) ** 2).mean(), rtol=1e-14)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use reduction='sum' instead."):
        out = F.mse_loss(A, B, size_average=False)
    np.testing.assert_allclose(out, ((A - B) ** 2).sum(), rtol=1e-14)
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert np.shape(F.l1_loss(A, B, reduce=False)) == (3, 4)


def test_gaussian_nll_loss():
    var = W.copy()
    expected = 0.5 * (np.log(var) + (A - B) ** 2 / var)
    np.testing.assert_allclose(value(F.gaussian_nll_loss(A, B, var, reduction="none")), expected, rtol=1e-13)
    np.testing.assert_allclose(value(F.gaussian_nll_loss(A, B, var, full=True)),
                               (expected + 0.5 * math.log(2 * math.pi)).mean(), rtol=1e-13)
    # one variance per row (homoscedastic), given without or with the trailing unit dimension
    for v in (var[:, 0], var[:, :1]):
        np.testing.assert_allclose(value(F.gaussian_nll_loss(A, B, v, reduction="sum")),
                                   (0.5 * (np.log(var[:, :1]) + (A - B) ** 2 / var[:, :1])).sum(), rtol=1e-13)
    np.testing.assert_allclose(value(F.gaussian_nll_loss(A, B, 2.0)), (0.5 * (math.log(2.0) + (A - B) ** 2 / 2.0)).mean())
    check_grads(lambda a, v: F.gaussian_nll_loss(a, B, v), [A, var], order=2)
    # variances below eps are raised to it in the value; the gradient passes unmasked
    tiny = fg.tensor([1e-9], dtype=fg.float64, requires_grad=True)
    loss = F.gaussian_nll_loss(fg.tensor([0.0], dtype=fg.float64), fg.tensor([0.0], dtype=fg.float64), tiny)
    assert value(loss) == pytest.approx(0.5 * math.log(1e-6))
    loss.backward()
    assert value(tiny.grad)[0] == pytest.approx(0.5 / 1e-6)
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(A, B, -1.0)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(A, B, var[:2])
    with pytest.raises(ValueError, match="avg is not valid"):
        F.gaussian_nll_loss(A, B, var, reduction="avg")


# ---- classification losses -----------------------------------------------------------------

N, C = 7, 4
LOGITS = RNG.standard_normal((N, C)) * 2
TARGET = np.array([0, 3, 1, 1, 2, 0, 3])
CLASS_W = np.array([0.5, 1.0, 2.0, 1.5])
PROBS = sps.softmax(RNG.standard_normal((N, C)), axis=1)


def ce_ref(logits, target, weight=None, ignore_index=-100, reduction="mean", smoothing=0.0):
    """Cross-entropy of class indices with NumPy, written from PyTorch's documented formula."""
    logp = sps.log_softmax(logits, axis=1)
    n_classes = logits.shape[1]
    w = np.ones(n_classes) if weight is None else weight
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    wt = w[safe] * valid
    nll = -logp[np.arange(len(target)), safe] * wt
    smooth = -(logp * w).sum(1) * valid
    if reduction == "none":
        return (1 - smoothing) * nll + smoothing / n_classes * smooth
    if reduction == "sum":
        return (1 - smoothing) * nll.sum() + smoothing / n_classes * smooth.sum()
    return ((1 - smoothing) * nll.sum() + smoothing / n_classes * smooth.sum()) / wt.sum()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [{}, {"weight": CLASS_W}, {"smoothing": 0.2},
                                     {"weight": CLASS_W, "smoothing": 0.3}, {"ignore_index": 1},
                                     {"ignore_index": 1, "weight": CLASS_W, "smoothing": 0.1}],
                         ids=["plain", "weight", "smoothing", "weight+smoothing", "ignore",
                              "all"])
def test_cross_entropy_with_class_indices(reduction, options):
    kw = {"reduction": reduction}
    if "weight" in options:
        kw["weight"] = options["weight"]
    if "ignore_index" in options:
        kw["ignore_index"] = options["ignore_index"]
    kw["label_smoothing"] = options.get("smoothing", 0.0)
    expected = ce_ref(LOGITS, TARGET, options.get("weight"), options.get("ignore_index", -100),
                      reduction, options.get("smoothing", 0.0))
    got = F.cross_entropy(fg.tensor(LOGITS), fg.tensor(TARGET), **kw)
    np.testing.assert_allclose(value(got), expected, rtol=1e-13)
    check_grads(lambda x: F.cross_entropy(x, TARGET, **kw), [LOGITS], order=2)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    x = fg.tensor(LOGITS, requires_grad=True)
    F.cross_entropy(x, fg.tensor(TARGET), reduction="sum").backward()
    np.testing.assert_allclose(value(x.grad), sps.softmax(LOGITS, axis=1) - np.eye(C)[TARGET], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_class_probabilities(reduction):
    logp = sps.log_softmax(LOGITS, axis=1)
    for weight, smoothing in [(None, 0.0), (CLASS_W, 0.0), (CLASS_W, 0.25)]:
        p = PROBS * (1 - smoothing) + smoothing / C
        per = -(logp * p * (1 if weight is None else weight)).sum(1)
        expected = {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]
        got = F.cross_entropy(LOGITS, PROBS, weight=weight, reduction=reduction, label_smoothing=smoothing)
        np.testing.assert_allclose(got, expected, rtol=1e-13)
    # differentiable in the logits and in the target probabilities
    check_grads(lambda x, q: F.cross_entropy(x, q, reduction=reduction), [LOGITS, PROBS], order=2)


def test_cross_entropy_over_extra_dimensions_equals_the_flattened_problem():
    x = RNG.standard_normal((2, C, 3, 5))
    t = RNG.integers(0, C, (2, 3, 5))
    t[0, 1, 2] = -100
    flat_x = np.moveaxis(x, 1, -1).reshape(-1, C)
    for kw in ({}, {"weight": CLASS_W, "label_smoothing": 0.1}):
        got = F.cross_entropy(x, t, reduction="none", **kw)
        assert got.shape == (2, 3, 5)
        expected = ce_ref(flat_x, t.ravel(), kw.get("weight"), smoothing=kw.get("label_smoothing", 0.0),
                          reduction="none").reshape(2, 3, 5)
        np.testing.assert_allclose(got, expected, rtol=1e-13)
        np.testing.assert_allclose(F.cross_entropy(x, t, **kw),
                                   ce_ref(flat_x, t.ravel(), kw.get("weight"), smoothing=kw.get("label_smoothing", 0.0)),
                                   rtol=1e-13)
    p = sps.softmax(RNG.standard_normal(x.shape), axis=1)
    np.testing.assert_allclose(F.cross_entropy(x, p), -(sps.log_softmax(x, axis=1) * p).sum(1).mean(), rtol=1e-13)
    check_grads(lambda v: F.cross_entropy(v, t, weight=CLASS_W), [x], order=1)


def test_cross_entropy_of_one_unbatched_sample():
    x = LOGITS[0]
    expected = -sps.log_softmax(x)[2]
    for reduction in ("mean", "sum", "none"):
        got = F.cross_entropy(fg.tensor(x), fg.tensor(2), reduction=reduction)
        assert got.shape == () and value(got) == pytest.approx(expected, rel=1e-13)
    assert value(F.cross_entropy(x, PROBS[0])) == pytest.approx(-(sps.log_softmax(x) * PROBS[0]).sum(), rel=1e-13)


def test_cross_entropy_stays_finite_for_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    for dtype in (np.float64, np.float32):
        x = fg.tensor(logits.astype(dtype), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss = F.cross_entropy(x, fg.tensor([1, 1]), reduction="none")
            loss.sum().backward()
        np.testing.assert_allclose(value(loss), [2e4, 0.0])
        np.testing.assert_allclose(value(x.grad), [[1, -1, 0], [0, 0, 0]], atol=1e-6)
        assert loss.dtype == x.dtype


def test_cross_entropy_with_minus_infinity_logits_for_masked_classes():
    # A class masked out with -inf: the loss of the other classes stays finite, and so do
    # the gradients (no inf * 0 from the one-hot pick).
    x = fg.tensor([[0.0, -np.inf, 1.0]], dtype=fg.float64, requires_grad=True)
    loss = F.cross_entropy(x, fg.tensor([2]))
    loss.backward()
    assert value(loss) == pytest.approx(-sps.log_softmax([0.0, 1.0])[1])
    np.testing.assert_allclose(value(x.grad), [[sps.expit(-1.0), 0.0, -sps.expit(-1.0)]])


def test_cross_entropy_when_every_target_is_ignored():
    x = fg.tensor(LOGITS[:2], requires_grad=True)
    loss = F.cross_entropy(x, fg.tensor([-100, -100]))
    assert np.isnan(value(loss))  # 0 / 0, as in PyTorch
    loss.backward()
    np.testing.assert_array_equal(value(x.grad), np.zeros((2, C)))  # but no NaN gradients
    assert value(F.cross_entropy(x, fg.tensor([-100, -100]), reduction="sum")) == 0.0


def test_cross_entropy_errors_are_pytorchs():
    x = fg.tensor(LOGITS)
    with pytest.raises(ValueError, match=r"Expected input batch_size \(7\) to match target batch_size \(3\)."):
        F.cross_entropy(x, fg.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.cross_entropy(x, fg.tensor(TARGET.astype(np.float32)))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Bool"):
        F.cross_entropy(x, fg.tensor(TARGET > 1))
    with pytest.raises(RuntimeError, match="Expected floating point type for target with class probabilities, got Long"):
        F.cross_entropy(x, fg.zeros(N, C, dtype=fg.long))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not supported"):
        F.cross_entropy(x, fg.zeros(N, 2, dtype=fg.long))
    with pytest.raises(IndexError, match="Target 4 is out of bounds."):
        F.cross_entropy(x, fg.tensor([0, 1, 2, 3, 4, 0, 0]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds."):
        F.cross_entropy(x, fg.tensor([0, 1, 2, 3, -1, 0, 0]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 3\], got \[2, 4\]"):
        F.cross_entropy(fg.zeros(2, C, 3), fg.zeros(2, 4, dtype=fg.long))
    with pytest.raises(RuntimeError, match=r"weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: \[3\]"):
        F.cross_entropy(x, fg.tensor(TARGET), weight=fg.ones(3))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        F.cross_entropy(x, fg.tensor(TARGET), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point target"):
        F.cross_entropy(x, fg.tensor(PROBS), ignore_index=0)
    with pytest.raises(ValueError, match="mean_ is not a valid value for reduction"):
        F.cross_entropy(x, fg.tensor(TARGET), reduction="mean_")
    with pytest.raises(ValueError, match=r"Expected 1 or more dimensions \(got 0\)"):
        F.cross_entropy(fg.tensor(1.0), fg.tensor(0))
    with pytest.raises(ValueError, match="For 1D input, 1D target must have size 1, but got target size: 2"):
        F.nll_loss(fg.zeros(C), fg.tensor([0, 1]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_against_its_definition(reduction):
    logp = sps.log_softmax(LOGITS, axis=1)
    target = TARGET.copy()
    target[2] = 3
    wt = CLASS_W[target] * (target != 3)
    per = -logp[np.arange(N), target] * wt
    expected = {"none": per, "sum": per.sum(), "mean": per.sum() / wt.sum()}[reduction]
    got = F.nll_loss(fg.tensor(logp), fg.tensor(target), weight=fg.tensor(CLASS_W), ignore_index=3, reduction=reduction)
    np.testing.assert_allclose(value(got), expected, rtol=1e-13)
    check_grads(lambda v: F.nll_loss(v, target, weight=CLASS_W, reduction=reduction), [logp], order=2)


def test_class_weights_follow_the_inputs_precision():
    x32 = fg.tensor(LOGITS.astype(np.float32), requires_grad=True)
    loss = F.cross_entropy(x32, fg.tensor(TARGET), weight=CLASS_W, label_smoothing=0.1)
    assert loss.dtype == fg.float32
    loss.backward()
    assert x32.grad.dtype == fg.float32


# ---- binary losses -----------------------------------------------------------------------------

P = RNG.uniform(0.05, 0.95, (3, 4))
T = RNG.random((3, 4))
Z = RNG.standard_normal((3, 4)) * 3
COL_W = RNG.random(4) + 0.5


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction):
    per = -(T * np.log(P) + (1 - T) * np.log1p(-P)) * COL_W
    expected = {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]
    got = F.binary_cross_entropy(fg.tensor(P), fg.tensor(T), weight=fg.tensor(COL_W), reduction=reduction)
    np.testing.assert_allclose(value(got), expected, rtol=1e-13)
    check_grads(lambda p, t: F.binary_cross_entropy(p, t, weight=COL_W, reduction=reduction), [P, T], order=2)


def test_binary_cross_entropy_clamps_its_logarithms_at_minus_100():
    got = F.binary_cross_entropy(np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_array_equal(got, [100.0, 100.0, 0.0, 0.0])


def test_binary_cross_entropy_errors_are_pytorchs():
    with pytest.raises(ValueError, match=r"Using a target size \(funcgrad.Size\(\[4\]\)\) that is different to the input size \(funcgrad.Size\(\[3\]\)\) is deprecated."):
        F.binary_cross_entropy(fg.rand(3), fg.rand(4))
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        F.binary_cross_entropy(fg.rand(3), fg.tensor([0, 1, 1]))
    with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
        F.binary_cross_entropy(fg.rand(3), fg.rand(3, dtype=fg.float64))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(fg.tensor([1.5, 0.5]), fg.rand(2))
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        F.binary_cross_entropy(fg.tensor([0.5, 0.5]), fg.tensor([2.0, 0.5]))
    with pytest.raises(ValueError, match=r"Target size \(funcgrad.Size\(\[4\]\)\) must be the same as input size \(funcgrad.Size\(\[3\]\)\)"):
        F.binary_cross_entropy_with_logits(fg.rand(3), fg.rand(4))
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        F.binary_cross_entropy_with_logits(fg.rand(3), fg.tensor([0, 1, 1]))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton dimension 1"):
        F.binary_cross_entropy_with_logits(fg.rand(3, 4), fg.rand(3, 4), pos_weight=fg.ones(3))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_with_logits_equals_bce_of_the_sigmoid(reduction):
    pos = COL_W + 1.0
    s = sps.expit(Z)
    per = -(pos * T * np.log(s) + (1 - T) * np.log1p(-s)) * COL_W
    expected = {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]
    got = F.binary_cross_entropy_with_logits(fg.tensor(Z), fg.tensor(T), weight=fg.tensor(COL_W),
                                             pos_weight=fg.tensor(pos), reduction=reduction)
    np.testing.assert_allclose(value(got), expected, rtol=1e-12)
    check_grads(lambda z, t: F.binary_cross_entropy_with_logits(z, t, weight=COL_W, pos_weight=pos,
                                                                reduction=reduction), [Z, T], order=2)


def test_binary_cross_entropy_with_logits_is_exact_for_huge_logits():
    z = fg.tensor([-1000.0, 1000.0, -1000.0, 1000.0, 50.0], dtype=fg.float64, requires_grad=True)
    t = fg.tensor([1.0, 0.0, 0.0, 1.0, 1.0], dtype=fg.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.binary_cross_entropy_with_logits(z, t, reduction="none")
        loss.sum().backward()
    np.testing.assert_allclose(value(loss), [1000.0, 1000.0, 0.0, 0.0, math.exp(-50.0)], rtol=1e-12, atol=0)
    # d/dz = sigmoid(z) - t (funcgrad's sigmoid is accurate to 1e-16 absolute in its tails)
    np.testing.assert_allclose(value(z.grad), [-1.0, 1.0, 0.0, 0.0, -math.exp(-50.0)], rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
def test_kl_div(reduction):
    q = PROBS.copy()
    q[0, 1] = 0.0  # a zero target term counts 0
    logp = sps.log_softmax(LOGITS, axis=1)
    per = sps.rel_entr(q, np.exp(logp))  # q log(q / p), 0 where q is 0
    expected = {"none": per, "sum": per.sum(), "mean": per.mean(), "batchmean": per.sum() / N}[reduction]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'mean' warns, as in PyTorch (tested below)
        np.testing.assert_allclose(value(F.kl_div(fg.tensor(logp), fg.tensor(q), reduction=reduction)), expected, rtol=1e-12, atol=1e-15)
        log_q = np.log(PROBS)
        per_log = PROBS * (log_q - logp)
        expected_log = {"none": per_log, "sum": per_log.sum(), "mean": per_log.mean(), "batchmean": per_log.sum() / N}[reduction]
        np.testing.assert_allclose(F.kl_div(logp, log_q, reduction=reduction, log_target=True), expected_log, rtol=1e-12)
        check_grads(lambda x: F.kl_div(x, q, reduction=reduction), [logp], order=2)
        check_grads(lambda x, lt: F.kl_div(x, lt, reduction=reduction, log_target=True), [logp, log_q], order=2)


def test_kl_div_mean_warns_and_bad_reduction_raises():
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size and the support size."):
        F.kl_div(np.zeros(3), np.ones(3) / 3)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.kl_div(np.zeros(3), np.ones(3) / 3, reduction="avg")


# ---- inside the transforms --------------------------------------------------------------------


def test_losses_are_functions_of_arrays_for_the_transforms():
    Xd = RNG.standard_normal((8, 3))
    y = RNG.integers(0, 3, 8)
    w0 = RNG.standard_normal((3, 3)) * 0.1

    def loss(w):
        return F.cross_entropy(F.gelu(Xd @ w), y, label_smoothing=0.1)

    g = fg.grad(loss)(w0)
    assert isinstance(g, np.ndarray) and g.shape == (3, 3)
    eps = 1e-6
    fd = np.zeros_like(w0)
    for i in np.ndindex(w0.shape):
        e = np.zeros_like(w0)
        e[i] = eps
        fd[i] = (loss(w0 + e) - loss(w0 - e)) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)
    # forward over reverse agrees with finite differences of the gradient
    H = fg.hessian(lambda v: loss(v.reshape(3, 3)))(w0.ravel())
    grad_flat = fg.grad(lambda v: loss(v.reshape(3, 3)))
    H_fd = np.stack([(grad_flat(w0.ravel() + eps * e) - grad_flat(w0.ravel() - eps * e)) / (2 * eps)
                     for e in np.eye(9)], axis=1)
    np.testing.assert_allclose(H, H_fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ["elu", "gelu", "gelu_tanh", "silu", "mish", "softplus_beta",
                                  "logsigmoid", "hardswish", "softmax"])
def test_forward_and_reverse_jacobians_agree(name):
    fn, _ = REFERENCES[name]
    x = X[:2, :3]
    np.testing.assert_allclose(fg.jacfwd(fn)(x), fg.jacrev(fn)(x), rtol=1e-12, atol=1e-14)


# ---- layers and utilities ---------------------------------------------------------------------


def test_linear():
    x = RNG.standard_normal((2, 5, 3))
    w = RNG.standard_normal((4, 3))
    b = RNG.standard_normal(4)
    np.testing.assert_allclose(F.linear(x, w, b), x @ w.T + b, rtol=1e-14)
    np.testing.assert_allclose(F.linear(x, w[0]), x @ w[0], rtol=1e-14)  # one output, dropped
    check_grads(lambda x_, w_, b_: F.linear(x_, w_, b_), [x, w, b], order=2)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied"):
        F.linear(fg.ones(2, 3), fg.ones(4, 5))
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2 dimensions, but self is 3D"):
        F.linear(fg.ones(2, 3), fg.ones(1, 4, 3))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(4\) must match the size of tensor b \(5\)"):
        F.linear(fg.ones(2, 3), fg.ones(4, 3), fg.ones(5))


def test_dropout_masks_scales_and_is_seeded():
    fg.manual_seed(1)
    x = fg.ones(20000, dtype=fg.float64, requires_grad=True)
    y = F.dropout(x, p=0.3)
    kept = value(y) != 0
    assert set(np.unique(value(y))) == {0.0, 1 / 0.7}
    assert abs(kept.mean() - 0.7) < 0.02 and abs(value(y).mean() - 1.0) < 0.03
    y.sum().backward()
    np.testing.assert_array_equal(value(x.grad), np.where(kept, 1 / 0.7, 0.0))  # the same mask
    fg.manual_seed(1)
    np.testing.assert_array_equal(value(F.dropout(fg.ones(20000, dtype=fg.float64), p=0.3)), value(y))
    assert F.dropout(fg.ones(3, dtype=fg.float32), p=0.5).dtype == fg.float32
    np.testing.assert_array_equal(value(F.dropout(fg.ones(4), p=1.0)), np.zeros(4))


def test_dropout_in_eval_mode_and_its_errors():
    x = fg.ones(3)
    assert F.dropout(x, training=False) is x and F.dropout(x, p=0.0) is x
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"):
            F.dropout(x, p=p)
    a = np.ones(1000)
    assert F.dropout(a, inplace=True) is a and 0 < (a == 0).sum() < 1000


def test_one_hot():
    out = F.one_hot(fg.tensor([[0, 2], [1, 0]]), 4)
    assert out.dtype == fg.int64 and out.shape == (2, 2, 4)
    np.testing.assert_array_equal(value(out), np.eye(4, dtype=np.int64)[[[0, 2], [1, 0]]])
    np.testing.assert_array_equal(F.one_hot(np.array([1, 3])), [[0, 1, 0, 0], [0, 0, 0, 1]])
    assert F.one_hot(np.zeros(0, dtype=np.int64), 3).shape == (0, 3)
    with pytest.raises(RuntimeError, match="Class values must be non-negative."):
        F.one_hot(fg.tensor([-1, 0]))
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(fg.tensor([3, 0]), 3)
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor of type LongTensor."):
        F.one_hot(fg.tensor([1.0, 0.0]))
    with pytest.raises(RuntimeError, match="Can not infer total number of classes from empty tensor."):
        F.one_hot(np.zeros(0, dtype=np.int64))


def test_normalize():
    x = RNG.standard_normal((3, 4))
    for p in (1.0, 2.0, 3.0):
        for dim in (0, 1, -1):
            norm = (np.abs(x) ** p).sum(axis=dim, keepdims=True) ** (1 / p)
            np.testing.assert_allclose(F.normalize(x, p=p, dim=dim), x / norm, rtol=1e-13)
    check_grads(lambda v: F.normalize(v), [x], order=2)
    np.testing.assert_array_equal(F.normalize(np.zeros((2, 3))), np.zeros((2, 3)))
    out = np.empty((3, 4))
    assert F.normalize(x, out=out) is out and np.allclose(out, x / np.linalg.norm(x, axis=1, keepdims=True))
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"):
        F.normalize(np.ones(3))


def test_pad_modes_match_numpy():
    x = RNG.standard_normal((2, 3, 4))
    np.testing.assert_array_equal(F.pad(x, (1, 2)), np.pad(x, ((0, 0), (0, 0), (1, 2))))
    np.testing.assert_array_equal(F.pad(x, (1, 0, 0, 2), value=7.0),
                                  np.pad(x, ((0, 0), (0, 2), (1, 0)), constant_values=7.0))
    np.testing.assert_array_equal(F.pad(x, (2, 1), mode="reflect"), np.pad(x, ((0, 0), (0, 0), (2, 1)), mode="reflect"))
    np.testing.assert_array_equal(F.pad(x, (2, 1, 1, 1), mode="replicate"), np.pad(x, ((0, 0), (1, 1), (2, 1)), mode="edge"))
    np.testing.assert_array_equal(F.pad(x, (3, 1), mode="circular"), np.pad(x, ((0, 0), (0, 0), (3, 1)), mode="wrap"))
    np.testing.assert_array_equal(F.pad(x, (-1, 2, 0, -1)), np.pad(x[:, :-1, 1:], ((0, 0), (0, 0), (0, 2))))
    check_grads(lambda v: F.pad(v, (1, 1, -1, 0), value=3.0), [x], order=2)
    check_grads(lambda v: F.pad(v, (2, 1), mode="reflect"), [x], order=2)
    padded = F.pad(fg.tensor(x, dtype=fg.float32), (1, 1))
    assert padded.dtype == fg.float32


def test_pad_errors():
    x = fg.ones(2, 3)
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(RuntimeError, match="Padding length should be less than or equal to two times the input dimension but got padding length 6 and input of dimension 2"):
        F.pad(x, (1,) * 6)
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode mirror"):
        F.pad(x, (1, 1), mode="mirror")
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding input dimension"):
        F.pad(x, (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="doesn't take in value argument"):
        F.pad(x, (1, 1), mode="reflect", value=1.0)


def test_every_public_name_is_documented_with_an_example():
    for name in F.__all__:
        doc = getattr(F, name).__doc__
        assert doc and "Examples" in doc and ">>>" in doc, name

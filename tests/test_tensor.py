"""The Tensor facade: creation, dtypes, operators, indexing, NumPy interplay, masking."""

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp

# ---- creation and dtypes ----------------------------------------------------------------


def test_dtype_inference_follows_pytorch():
    assert fg.tensor([2, 2]).dtype == fg.int64 == fg.long
    assert fg.tensor([1.5]).dtype == fg.float32 == fg.float
    assert fg.tensor(True).dtype == fg.bool
    assert fg.tensor(np.array([1.0])).dtype == fg.float64 == fg.double
    assert fg.tensor([1.0], dtype=fg.float64).dtype == np.float64
    assert fg.arange(3).dtype == fg.int64 and fg.arange(0, 1, 0.5).dtype == fg.float32
    assert fg.full((2,), 7).dtype == fg.int64 and fg.full((2,), 7.0).dtype == fg.float32


def test_default_dtype_can_be_changed():
    try:
        fg.set_default_dtype(fg.float64)
        assert fg.ones(2).dtype == fg.float64 and fg.tensor([1.0]).dtype == fg.float64
        assert repr(fg.ones(1, dtype=fg.float32)) == "tensor([1.], dtype=funcgrad.float32)"
    finally:
        fg.set_default_dtype(fg.float32)
    with pytest.raises(TypeError, match="floating"):
        fg.set_default_dtype(fg.int64)


@pytest.mark.parametrize("make", [fg.zeros, fg.ones, fg.rand, fg.randn, fg.empty])
def test_creation_functions_take_sizes_in_both_spellings(make):
    assert make(2, 3).shape == (2, 3) == make((2, 3)).shape == make([2, 3]).shape
    assert make(2, 3).dtype == fg.float32
    assert make(2, requires_grad=True).requires_grad


def test_like_functions_and_eye_linspace_randint():
    x = fg.ones(2, 3, dtype=fg.float64)
    assert fg.zeros_like(x).dtype == fg.float64 and fg.ones_like(x).shape == (2, 3)
    assert fg.full_like(x, 3.0).numpy()[0, 0] == 3.0
    assert fg.randn_like(x).shape == (2, 3)
    np.testing.assert_array_equal(fg.eye(2).numpy(), np.eye(2))
    np.testing.assert_allclose(fg.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5))
    r = fg.randint(0, 5, (100,))
    assert r.dtype == fg.int64 and 0 <= r.numpy().min() and r.numpy().max() < 5


def test_manual_seed_makes_random_tensors_reproducible():
    fg.manual_seed(3)
    a = fg.randn(4)
    fg.manual_seed(3)
    b = fg.randn(4)
    fg.manual_seed(4)
    c = fg.randn(4)
    assert a.equal(b) and not a.equal(c)


def test_legacy_constructors_and_variable():
    assert fg.FloatTensor([[1, 2, 3], [4, 5, 6]]).dtype == fg.float32
    assert fg.FloatTensor(2, 3).shape == (2, 3)
    assert fg.DoubleTensor([1]).dtype == fg.float64
    assert fg.LongTensor([1.0]).dtype == fg.int64
    v = fg.autograd.Variable(fg.ones(2, 2), requires_grad=True)
    assert v.requires_grad and v.is_leaf and v.grad_fn is None


def test_from_numpy_and_as_tensor_share_memory_while_tensor_copies():
    a = np.zeros(3)
    t_shared, t_as, t_copy = fg.from_numpy(a), fg.as_tensor(a), fg.tensor(a)
    a[0] = 1.0
    assert t_shared.numpy()[0] == 1.0 and t_as.numpy()[0] == 1.0 and t_copy.numpy()[0] == 0.0


def test_conversions():
    t = fg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert t.size() == fg.Size([2, 2]) and t.size(1) == 2 and t.dim() == 2 and t.numel() == 4
    assert repr(t.size()) == "funcgrad.Size([2, 2])"
    assert t[1, 0].item() == 3.0 and float(t[0, 1]) == 2.0 and int(fg.tensor(7)) == 7
    assert t.double().dtype == fg.float64 and t.long().dtype == fg.int64 and t.to(fg.float16).dtype == fg.float16
    assert t.type() == "funcgrad.FloatTensor"
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        t.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(t > 0)
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        fg.ones(2, requires_grad=True).numpy()
    assert np.asarray(fg.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]


def test_cast_is_recorded_and_gradient_keeps_the_leaf_dtype():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "ToCopyBackward0"
    y.sum().backward()
    assert x.grad.dtype == fg.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


# ---- operators and grad_fn names --------------------------------------------------------


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda x, y: x + y, "AddBackward0"), (lambda x, y: x - y, "SubBackward0"),
        (lambda x, y: x * y, "MulBackward0"), (lambda x, y: x / y, "DivBackward0"),
        (lambda x, y: -x, "NegBackward0"), (lambda x, y: x ** 2, "PowBackward0"),
        (lambda x, y: x ** y, "PowBackward1"), (lambda x, y: x.exp(), "ExpBackward0"),
        (lambda x, y: x.tanh(), "TanhBackward0"), (lambda x, y: x.sigmoid(), "SigmoidBackward0"),
        (lambda x, y: x.relu(), "ReluBackward0"), (lambda x, y: x.sum(), "SumBackward0"),
        (lambda x, y: x.sum(0), "SumBackward1"), (lambda x, y: x.mean(), "MeanBackward0"),
        (lambda x, y: x.mean(dim=1), "MeanBackward1"), (lambda x, y: x[0], "SelectBackward0"),
        (lambda x, y: x[:, 1:], "SliceBackward0"), (lambda x, y: x[[0, 1]], "IndexBackward0"),
        (lambda x, y: fg.stack([x, y]), "StackBackward0"), (lambda x, y: fg.cat([x, y]), "CatBackward0"),
        (lambda x, y: x @ y.T, "MmBackward0"), (lambda x, y: x.view(4), "ViewBackward0"),
        (lambda x, y: x.t(), "TBackward0"), (lambda x, y: x.transpose(0, 1), "TransposeBackward0"),
        (lambda x, y: x.permute(1, 0), "PermuteBackward0"), (lambda x, y: x.unsqueeze(0), "UnsqueezeBackward0"),
        (lambda x, y: x.expand(3, 2, 2), "ExpandBackward0"), (lambda x, y: x.clone(), "CloneBackward0"),
        (lambda x, y: x.max(), "MaxBackward1"), (lambda x, y: x.norm(), "LinalgVectorNormBackward0"),
        (lambda x, y: x.softmax(0), "SoftmaxBackward0"), (lambda x, y: x.log_softmax(1), "LogSoftmaxBackward0"),
        (lambda x, y: x.logsumexp(0), "LogsumexpBackward0"), (lambda x, y: x.clamp(0, 1), "ClampBackward1"),
        (lambda x, y: fg.where(x > 0, x, y), "WhereBackward0"), (lambda x, y: fg.maximum(x, y), "MaximumBackward0"),
    ],
)
def test_grad_fn_names(fn, name):
    x = fg.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    y = fg.tensor([[0.3, 1.0], [2.0, -1.0]], requires_grad=True)
    assert type(fn(x, y).grad_fn).__name__ == name


def test_comparisons_and_argmax_carry_no_gradient():
    x = fg.tensor([1.0, 3.0, 2.0], requires_grad=True)
    for r in (x.eq(x), x.ne(1.0), x.lt(2.0), x.le(2.0), x.gt(2.0), x.ge(2.0), x.argmax(), (x > 1).all(), (x > 1).any()):
        assert not r.requires_grad and r.grad_fn is None
    assert x.argmax().item() == 1 and x.eq(x.detach()).all().item() is True
    assert repr(x.eq(x.detach()).all()) == "tensor(True)"


def test_max_with_dim_returns_values_and_indices():
    x = fg.tensor([[1.0, 5.0], [4.0, 2.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert indices.tolist() == [1, 0]
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 1.0], [1.0, 0.0]])
    assert x.max(1).values.tolist() == [5.0, 4.0]


def test_numpy_axis_keywords_are_accepted():
    x = fg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(axis=0).tolist() == [4.0, 6.0] == x.sum(dim=0).tolist()
    assert x.mean(axis=1, keepdims=True).shape == (2, 1) == x.mean(1, keepdim=True).shape


def test_gradients_of_common_ops_match_analytic_forms():
    xv = np.array([0.3, -1.2, 2.0])
    cases = [
        (lambda x: x.exp(), np.exp(xv)), (lambda x: x.sin(), np.cos(xv)), (lambda x: x.cos(), -np.sin(xv)),
        (lambda x: x.tanh(), 1 - np.tanh(xv) ** 2), (lambda x: x.sigmoid(), np.exp(-xv) / (1 + np.exp(-xv)) ** 2),
        (lambda x: x ** 3, 3 * xv ** 2), (lambda x: 1 / x, -1 / xv ** 2), (lambda x: x.abs(), np.sign(xv)),
        (lambda x: x.relu(), (xv > 0).astype(float)), (lambda x: (x * x).sqrt(), np.sign(xv)),
    ]
    for f, expected in cases:
        x = fg.tensor(xv, requires_grad=True)
        f(x).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-10)


def test_matmul_gradients_against_the_analytic_form():
    rng = np.random.default_rng(0)
    a, b, g = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal((3, 2))
    x, w = fg.tensor(a, requires_grad=True), fg.tensor(b, requires_grad=True)
    (x @ w).backward(fg.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), g @ b.T)
    np.testing.assert_allclose(w.grad.numpy(), a.T @ g)


def test_broadcasting_binary_op_gradients_are_summed_down():
    x = fg.tensor(np.ones((3, 1)), requires_grad=True)
    y = fg.tensor(np.arange(4.0), requires_grad=True)
    (x * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 1), 6.0))
    np.testing.assert_allclose(y.grad.numpy(), np.full(4, 3.0))


def test_indexing_gradients_scatter_and_add_over_repeats():
    x = fg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (x[0, 1] + x[:, 2].sum() + x[[1, 1], [0, 0]].sum() + x[x > 3].sum()).backward()
    expected = np.array([[0.0, 1.0, 1.0], [2.0, 1.0, 2.0]])
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_stack_and_cat_gradients():
    a = fg.tensor([1.0, 2.0], requires_grad=True)
    b = fg.tensor([3.0, 4.0], requires_grad=True)
    (fg.stack([a, b], dim=1) * fg.tensor([[1.0, 10.0], [1.0, 10.0]])).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(b.grad.numpy(), [10.0, 10.0])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        fg.stack([a, fg.ones(3)])


def test_shape_errors_are_clear():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
        fg.ones(2, 3) @ fg.ones(2, 3)
    with pytest.raises(RuntimeError, match="The expanded size of the tensor must match"):
        fg.ones(3).expand(2, 4)
    with pytest.raises(ValueError, match="cannot reshape"):
        fg.ones(3).view(2, 2)


# ---- NumPy arrays and Tensors mix in both orders ----------------------------------------


@pytest.mark.parametrize(
    "op, dx",
    [
        (lambda a, x: a * x, lambda a, xv: a), (lambda a, x: x * a, lambda a, xv: a),
        (lambda a, x: a + x, lambda a, xv: np.ones_like(a)), (lambda a, x: a - x, lambda a, xv: -np.ones_like(a)),
        (lambda a, x: x - a, lambda a, xv: np.ones_like(a)), (lambda a, x: a / x, lambda a, xv: -a / xv ** 2),
        (lambda a, x: x / a, lambda a, xv: 1 / a), (lambda a, x: a ** x, lambda a, xv: a ** xv * np.log(a)),
        (lambda a, x: a @ x, lambda a, xv: a), (lambda a, x: np.multiply(a, x), lambda a, xv: a),
        (lambda a, x: np.add(x, a), lambda a, xv: np.ones_like(a)),
    ],
)
def test_numpy_arrays_and_tensors_mix_in_either_order(op, dx):
    a = np.array([1.5, 2.0, 3.0])
    xv = np.array([0.5, -1.0, 2.0])
    x = fg.tensor(xv, requires_grad=True)
    out = op(a, x)
    assert isinstance(out, fg.Tensor) and out.requires_grad
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), dx(a, xv), rtol=1e-12)


def test_numpy_functions_on_tensors_record_or_refuse():
    x = fg.tensor([0.5, 1.0], requires_grad=True)
    y = np.sum(np.exp(x))
    assert isinstance(y, fg.Tensor)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]), rtol=1e-6)
    with pytest.raises(TypeError, match="numpy.isnat is not covered"):
        np.isnat(x)
    with pytest.raises(TypeError, match="numpy.histogram is not covered"):
        np.histogram(x)


def test_funcgrad_numpy_on_raw_arrays_returns_numpy_results():
    a = np.array([1.0, 2.0])
    assert type(fnp.exp(a)) is np.ndarray
    assert fnp.sum(a) == 3.0 and isinstance(fnp.sum(a), np.floating)
    assert isinstance(fnp.sum(fg.tensor(a)), fg.Tensor)


# ---- exact zeros for branches not taken ------------------------------------------------


def test_where_gives_zero_gradient_to_the_branch_not_taken_even_with_inf_derivative():
    x = fg.tensor([0.0, 4.0], requires_grad=True)
    fg.where(x > 0, x.sqrt(), fg.zeros(2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.25])


def test_where_zero_gradient_with_nan_derivative():
    x = fg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        fg.where(x > 0, x.log(), x * 0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0])
    x = fg.tensor([-2.0, 4.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        fg.where(x > 0, x ** 0.5, x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.25])


def test_clamp_maximum_minimum_relu_give_exact_zeros():
    x = fg.tensor([0.0, 4.0], requires_grad=True)
    fg.clamp(x, min=1.0).sqrt().sum().backward()
    assert x.grad.tolist() == [0.0, 0.25]
    for f, expected in [
        (lambda x: fg.maximum(x, fg.tensor(1.0)).sqrt(), [0.0, 0.25]),
        (lambda x: fg.minimum(x, fg.tensor(1.0)).log(), [np.inf, 0.0]),
        (lambda x: x.relu().sqrt(), [0.0, 0.25]),
        (lambda x: (x / x).where(x > 0, fg.zeros(2)), [0.0, 0.0]),
    ]:
        x = fg.tensor([0.0, 4.0], requires_grad=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            f(x).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_double_where_second_order_is_finite():
    x = fg.tensor([0.0, 4.0], requires_grad=True)
    y = fg.where(x > 0, x.sqrt(), fg.zeros(2)).sum()
    (g,) = fg.autograd.grad(y, x, create_graph=True)
    (gg,) = fg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), [0.0, -0.25 * 4.0 ** -1.5])


def test_clamp_in_place_matches_clip_and_differentiates():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 5))
    x = fg.tensor(a, requires_grad=True)
    y = x * 1.0
    y.clamp_(-0.5, 0.5)
    np.testing.assert_allclose(y.detach().numpy(), np.clip(a, -0.5, 0.5).astype(np.float32), rtol=1e-6)
    y.sum().backward()
    mask = ((a > -0.5) & (a < 0.5)).astype(np.float32)
    np.testing.assert_array_equal(x.grad.numpy(), mask)
    # Tensor bounds: the gradient reaches the bound where it is the result
    lo = fg.tensor(np.full(5, -0.2), requires_grad=True)
    z = x * 1.0
    z.clamp_(min=lo)
    z.sum().backward()
    np.testing.assert_array_equal(lo.grad.numpy(), (a < -0.2).sum(axis=0).astype(np.float32))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x.clamp_(0, 1)


def test_set_default_dtype_refuses_none_clearly():
    with pytest.raises(TypeError):
        fg.set_default_dtype(None)
    assert fg.get_default_dtype() == fg.float32

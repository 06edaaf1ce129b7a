"""Reliability: anomaly mode, checkpointing, memory that stays flat, clear errors."""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp

# ---- anomaly mode --------------------------------------------------------------------------


def make_nan_in_backward():
    x = fg.tensor([-1.0, 4.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        y = x.sqrt()  # sqrt(-1): the backward of this line makes the NaN
    return x, (y * 2).sum()


def test_anomaly_mode_names_the_node_and_the_forward_line():
    with fg.autograd.detect_anomaly():
        x, loss = make_nan_in_backward()
        with pytest.raises(RuntimeError) as info:
            loss.backward()
    message = str(info.value)
    assert "Function 'SqrtBackward0' returned nan values in its 0th output." in message
    assert "make_nan_in_backward" in message and "y = x.sqrt()" in message


def test_anomaly_mode_also_catches_infinities():
    x = fg.tensor([0.0, 1.0], requires_grad=True)
    with fg.autograd.set_detect_anomaly(True), np.errstate(divide="ignore"):
        with pytest.raises(RuntimeError, match="'LogBackward0' returned inf values"):
            x.log().sum().backward()


def test_without_anomaly_mode_the_nan_passes_silently_as_in_pytorch():
    assert not fg.autograd.is_anomaly_enabled()
    x, loss = make_nan_in_backward()
    loss.backward()
    assert np.isnan(x.grad.numpy()[0]) and x.grad.numpy()[1] == pytest.approx(0.5)


def test_anomaly_mode_as_a_decorator_and_its_flags():
    @fg.autograd.detect_anomaly()
    def inside():
        return fg.autograd.is_anomaly_enabled(), fg.autograd.is_anomaly_check_nan_enabled()

    assert inside() == (True, True)
    assert not fg.autograd.is_anomaly_enabled()
    with fg.autograd.detect_anomaly(check_nan=False):
        x, loss = make_nan_in_backward()
        loss.backward()  # not checked
    assert np.isnan(x.grad.numpy()[0])


# ---- checkpointing -------------------------------------------------------------------------


def deep_mlp(weights, x, checkpointed):
    def block(h, ws):
        for w in ws:
            h = fnp.tanh(h @ w)
        return h

    for k in range(0, len(weights), 8):
        ws = weights[k:k + 8]
        if checkpointed:
            h_in = x
            x = fg.checkpoint(lambda h, *ws: block(h, ws))(h_in, *ws)
        else:
            x = block(x, ws)
    return fnp.sum(x ** 2)


def test_checkpoint_gives_the_same_gradients_and_saves_memory():
    # Activations dominate (batch 1024, width 64, 32 layers): the plain backward keeps all
    # 32, the checkpointed one 4 block inputs and one recomputed block of 8.
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((64, 64)) / 8 for _ in range(32)]
    x0 = rng.standard_normal((1024, 64))

    def peak(checkpointed):
        ws = [fg.tensor(w, requires_grad=True) for w in weights]
        gc.collect()
        tracemalloc.start()
        try:
            loss = deep_mlp(ws, fg.tensor(x0), checkpointed)
            loss.backward()
            used = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return used, [w.grad.numpy() for w in ws]

    plain_peak, plain_grads = peak(False)
    ckpt_peak, ckpt_grads = peak(True)
    for a, b in zip(plain_grads, ckpt_grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert ckpt_peak < 0.6 * plain_peak, (ckpt_peak, plain_peak)  # measured: about 0.52


def test_checkpoint_composes_with_second_order_and_forward_mode():
    block = fg.checkpoint(lambda v: fnp.sin(v) * v)
    x = np.array([0.3, -1.2])
    np.testing.assert_allclose(fg.hessian(lambda v: fnp.sum(block(v)))(x),
                               np.diag(2 * np.cos(x) - x * np.sin(x)))
    np.testing.assert_allclose(fg.jacfwd(block)(x), np.diag(np.sin(x) + x * np.cos(x)))


# ---- memory ---------------------------------------------------------------------------------


def test_ten_thousand_training_steps_hold_flat_memory():
    rng = np.random.default_rng(1)
    X = fg.tensor(rng.standard_normal((16, 8)))
    Y = fg.tensor(rng.standard_normal((16, 1)))
    w1 = fg.tensor(rng.standard_normal((8, 16)) / 3, requires_grad=True)
    w2 = fg.tensor(rng.standard_normal((16, 1)) / 4, requires_grad=True)

    def step():
        loss = (((X @ w1).tanh() @ w2 - Y) ** 2).mean()
        w1.grad = w2.grad = None
        loss.backward()
        with fg.no_grad():
            w1.sub_(0.05 * w1.grad)
            w2.sub_(0.05 * w2.grad)
        return loss.item()

    first = step()
    gc.collect()
    tracemalloc.start()
    try:
        # CPython's free lists (up to 2,000 tuples of each size) fill in the first
        # thousands of steps and then stay: compare the second half with the first.
        for _ in range(5_000):
            step()
        middle = tracemalloc.get_traced_memory()[0]
        for _ in range(5_000):
            last = step()
        grown = tracemalloc.get_traced_memory()[0] - middle
    finally:
        tracemalloc.stop()
    assert last < first
    assert grown < 16 * 1024, f"memory grew by {grown} bytes over the last 5,000 of 10,000 steps"


def _node_refs(tensor):
    refs, stack, seen = [], [tensor.grad_fn], set()
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        refs.append(weakref.ref(n))
        stack.extend(m for m, _ in n.next_functions)
    return refs


@pytest.fixture
def no_gc():
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_graph_dropped_before_backward_is_freed(no_gc):
    x = fg.ones(4, requires_grad=True)
    y = ((x * 2).exp().sin() + x).sum()
    refs = _node_refs(y)
    del y
    assert all(r() is None for r in refs)


def test_a_retained_graph_is_freed_when_dropped(no_gc):
    x = fg.ones(4, requires_grad=True)
    y = ((x * 2).exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    refs = _node_refs(y)
    del y
    assert all(r() is None for r in refs)


def test_a_create_graph_backward_is_freed_when_dropped(no_gc):
    x = fg.ones(4, requires_grad=True)
    (g,) = fg.autograd.grad((x ** 3).sum(), x, create_graph=True)
    refs = _node_refs(g)
    del g
    assert refs and all(r() is None for r in refs)


def test_an_exception_inside_a_transform_leaves_nothing_behind(no_gc):
    made = []

    def f(x):
        y = fnp.sin(x) * 2
        made.extend(_node_refs(y))
        raise ValueError("user error inside f")

    with pytest.raises(ValueError, match="user error inside f"):
        fg.grad(f)(np.array([1.0, 2.0]))
    assert made and all(r() is None for r in made)


def test_transform_results_hold_no_graph(no_gc):
    out, f_vjp = fg.vjp(lambda x: fnp.tanh(x) * x, np.array([0.5, 1.0]))
    assert type(out) is np.ndarray
    ref = weakref.ref(f_vjp)
    del f_vjp
    assert ref() is None


# ---- clear errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad, match", [
    ("a string", "cannot differentiate with respect to a str|must be arrays or numbers"),
    (object(), "cannot differentiate with respect to a object"),
    (None, "holds no arrays to differentiate"),
    (np.array([1, 2]), "floating-point"),
    (np.array(["a"]), "floating-point|cannot differentiate"),
])
def test_transforms_reject_what_they_cannot_differentiate(bad, match):
    with pytest.raises(TypeError, match=match):
        fg.grad(lambda x: fnp.sum(x))(bad)


def test_functions_returning_non_arrays_to_grad():
    with pytest.raises(TypeError, match="must return arrays, Tensors or numbers"):
        fg.grad(lambda x: "not a number")(1.0)
    with pytest.raises(TypeError, match="returned None"):
        fg.grad(lambda x: None)(1.0)


def test_shape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"cotangent 0 has shape \(3,\) but the output has shape \(2,\)"):
        fg.vjp(lambda x: x * 2, np.ones(2))[1](np.ones(3))
    with pytest.raises(ValueError, match=r"tangent 0 has shape \(3,\) but its primal has shape \(2,\)"):
        fg.jvp(lambda x: x * 2, (np.ones(2),), (np.ones(3),))
    with pytest.raises(ValueError, match=r"operands could not be broadcast.*\(2,\).*\(3,\)"):
        fg.ones(2) + fg.ones(3)


def test_unsupported_dtypes_are_named():
    with pytest.raises(TypeError, match="does not support the dtype"):
        fg.tensor(np.array(["a", "b"])).dtype
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype"):
        fg.tensor([1, 2], requires_grad=True)


def test_a_freed_graph_names_the_fix():
    x = fg.ones(2, requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Specify retain_graph=True"):
        y.backward()


def test_cuda_without_a_gpu_backend_is_a_clear_error():
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        fg.ones(2).cuda()

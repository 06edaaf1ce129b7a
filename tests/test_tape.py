"""The tape and the engine: accumulation, freeing, retain_graph, hooks, versions, depth."""

import gc
import threading
import warnings
import weakref

import numpy as np
import pytest

import funcgrad as fg


def test_gradients_accumulate_across_backward_calls():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0]) + 3)


def test_accumulation_is_in_place_so_grad_identity_is_kept():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    first = x.grad
    (x * 2).sum().backward()
    assert x.grad is first
    np.testing.assert_allclose(first.numpy(), [4.0, 4.0])


def test_grad_never_aliases_the_users_gradient_or_another_leaf():
    x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    g = fg.tensor([1.0, 1.0, 1.0])
    (x + 2).backward(g)
    x.grad.zero_()
    np.testing.assert_array_equal(g.numpy(), [1.0, 1.0, 1.0])
    a = fg.ones(2, requires_grad=True)
    b = fg.ones(2, requires_grad=True)
    (a + b).sum().backward()
    with fg.no_grad():
        a.grad.add_(5)
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_second_backward_without_retain_graph_raises():
    x = fg.ones(2, 2, requires_grad=True)
    out = (x * x * 3).mean()
    out.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        out.backward()


def test_retain_graph_allows_a_second_backward():
    x = fg.ones(2, requires_grad=True)
    out = (x * x).sum()
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0])


def test_retain_variables_is_accepted_with_a_deprecation_warning():
    x = fg.ones(2, requires_grad=True)
    out = (x * x).sum()
    with pytest.warns(DeprecationWarning, match="retain_graph"):
        out.backward(retain_variables=True)
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0])


def test_nodes_without_saved_values_can_run_again_as_in_pytorch():
    x = fg.ones(2, requires_grad=True)
    y = x + 2  # AddBackward0 saves nothing
    y.backward(fg.ones(2))
    y.backward(fg.ones(2))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_saved_values_are_freed_after_backward():
    x = fg.ones(3, requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    assert node._ans is not None
    y.sum().backward()
    assert node._saved is None and node._ans is None


def test_implicit_gradient_only_for_one_element_outputs():
    x = fg.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x + 2).backward()
    (x.sum() * 1).backward()  # a one-element output needs none
    z = (x * 2).reshape(1, 4)[:, :1]
    z.backward()  # shape (1, 1): one element
    assert x.grad is not None


def test_gradient_broadcasts_to_the_output_shape():
    x = fg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    z = (2 * x) ** 3
    z.backward(fg.tensor([1.0, 0.0]), retain_graph=True)
    expected = 24 * x.detach().numpy() ** 2 * np.array([1.0, 0.0])
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_one_element_gradient_serves_any_one_element_output():
    x = fg.tensor([[0.5, -1.0], [2.0, 1.5]], requires_grad=True)
    out = (x * 2).mean()
    out.backward(fg.FloatTensor([0.1]))
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 0.05), rtol=1e-6)


def test_gradient_of_incompatible_shape_names_both_shapes():
    x = fg.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"funcgrad.Size\(\[3\]\).*funcgrad.Size\(\[2, 2\]\)"):
        (x * 2).backward(fg.ones(3))


def test_backward_of_tensor_not_requiring_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        fg.ones(2).sum().backward()


def test_backward_through_a_100000_op_chain():
    x = fg.tensor(1.0, dtype=fg.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.0001 ** 100_000, rtol=1e-9)


def test_a_dropped_graph_is_freed_without_the_garbage_collector():
    gc.disable()
    try:
        x = fg.ones(3, requires_grad=True)
        y = ((x * 2).exp() + 1).sum()
        nodes = []
        stack = [y.grad_fn]
        while stack:
            n = stack.pop()
            nodes.append(weakref.ref(n))
            stack.extend(m for m, _ in n.next_functions if m is not None)
        out_ref = weakref.ref(y)
        assert all(r() is not None for r in nodes)
        del y, n, stack
        assert out_ref() is None
        assert all(r() is None for r in nodes), "a node outlived its graph: a reference cycle"
    finally:
        gc.enable()


def test_graph_after_backward_frees_its_arrays():
    gc.disable()
    try:
        x = fg.ones(1000, requires_grad=True)
        y = x.exp()
        data_ref = weakref.ref(y.grad_fn)
        y.sum().backward()
        del y
        assert data_ref() is None
    finally:
        gc.enable()


def test_next_functions_end_in_accumulate_grad():
    x = fg.ones(2, requires_grad=True)
    c = fg.ones(2)
    y = x * c
    (left, _), (right, _) = y.grad_fn.next_functions
    assert type(left).__name__ == "AccumulateGrad" and left.variable is x
    assert right is None
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")


def test_retain_grad_and_non_leaf_grad_warning():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = x * 3
    y.retain_grad()
    (y * z).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [3.0, 6.0])
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert z.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is not None  # leaves do not warn


def test_hooks_see_and_replace_gradients():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    y = x * 2
    y.retain_grad()
    handle = y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [40.0, 80.0])  # retained after the hook
    np.testing.assert_allclose(x.grad.numpy(), [80.0, 160.0])
    np.testing.assert_allclose(seen[0], [80.0, 160.0])
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_hook_returning_the_wrong_shape_is_an_error():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: fg.ones(3))
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2).sum().backward()


def test_backward_inputs_accumulates_only_into_those():
    a = fg.ones(2, requires_grad=True)
    b = fg.ones(2, requires_grad=True)
    (a * b * 3).sum().backward(inputs=[a])
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 3.0])
    assert b.grad is None


def test_autograd_backward_sums_several_outputs():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    fg.autograd.backward([(x * x).sum(), x.sum()])
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0])


def test_create_graph_gives_higher_derivatives():
    x = fg.tensor(2.0, requires_grad=True)
    (d1,) = fg.autograd.grad(x ** 3, x, create_graph=True)
    (d2,) = fg.autograd.grad(d1, x, create_graph=True)
    (d3,) = fg.autograd.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)
    assert x.grad is None  # autograd.grad never writes .grad


def test_backward_create_graph_makes_a_differentiable_grad():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    (gg,) = fg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * np.array([1.0, 2.0]))


def test_autograd_grad_unused_input():
    x = fg.ones(2, requires_grad=True)
    w = fg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        fg.autograd.grad((x * 2).sum(), [x, w])
    gx, gw = fg.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)
    assert gw is None
    np.testing.assert_allclose(gx.numpy(), [2.0, 2.0])


def test_inplace_on_leaf_requiring_grad_is_an_error_but_allowed_under_no_grad():
    w = fg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w.sub_(1)
    (w * 2).sum().backward()
    with fg.no_grad():
        w -= 0.5 * w.grad  # an SGD step
    np.testing.assert_allclose(w.detach().numpy(), [0.0, 0.0, 0.0])
    assert w.is_leaf and w.requires_grad


def test_modifying_a_saved_tensor_in_place_is_caught():
    x = fg.ones(2, requires_grad=True)
    y = x.exp()
    z = y * 1
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[funcgrad.FloatTensor \[2\]\].*is at version 1; expected version 0"):
        y.sum().backward()
    # z's graph saved y too (mul saves both operands)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_inplace_ops_on_non_leaves_are_recorded():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.mul_(x)  # y = 2 x^2
    y += 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.array([1.0, 2.0]))


def test_setitem_records_copy_slices():
    x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = fg.tensor(5.0, requires_grad=True)
    y = x * 2
    y[1] = v * 3
    assert type(y.grad_fn).__name__ == "CopySlices"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.0, 2.0])
    assert v.grad.item() == 3.0


def test_views_share_the_version_counter():
    x = fg.ones(4, requires_grad=True)
    y = x * 1
    w = y * y  # saves y at version 0
    v = y[1:]
    z = y[[1, 2]]  # advanced indexing copies
    with fg.no_grad():
        v.mul_(2)
    assert y._version[0] == 1 and z._version[0] == 0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


def test_inplace_on_a_view_of_a_leaf_is_an_error():
    x = fg.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        x[1:].mul_(2)


def test_requires_grad_flags():
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype"):
        fg.tensor([1, 2]).requires_grad_()
    a = fg.randn(2, 2)
    b = a * a
    assert not b.requires_grad
    a.requires_grad_()
    b = a * a
    b.requires_grad_(True)  # already true: allowed on a non-leaf
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        b.requires_grad_(False)


def test_detach_shares_data_but_leaves_the_graph():
    x = fg.ones(2, requires_grad=True)
    y = x.detach()
    assert not y.requires_grad and y.grad_fn is None
    with fg.no_grad():
        y[0] = 7.0
    assert x.detach().numpy()[0] == 7.0
    z = x * 2
    z.detach_()
    assert z.is_leaf and not z.requires_grad


def test_grad_mode_context_managers_and_decorators():
    x = fg.ones(2, requires_grad=True)
    with fg.no_grad():
        assert not (x * 2).requires_grad
        with fg.enable_grad():
            assert (x * 2).requires_grad
    with fg.set_grad_enabled(False):
        assert not fg.is_grad_enabled()
    assert fg.is_grad_enabled()

    @fg.no_grad()
    def f(t):
        return t * 2

    @fg.no_grad
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad
    fg.set_grad_enabled(False)
    assert not fg.is_grad_enabled()
    fg.set_grad_enabled(True)
    assert fg.is_grad_enabled()


def test_grad_mode_is_per_thread():
    results = {}

    def worker():
        results["in_thread"] = fg.is_grad_enabled()

    with fg.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not fg.is_grad_enabled()
    assert results["in_thread"] is True


def test_threads_each_backpropagate_their_own_graph():
    errors = []

    def worker(k):
        try:
            x = fg.tensor([float(k), 1.0], requires_grad=True)
            for _ in range(50):
                x.grad = None
                (x * x * k).sum().backward()
            np.testing.assert_allclose(x.grad.numpy(), 2 * k * np.array([k, 1.0]))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_grad_with_respect_to_a_non_leaf_stops_there_and_keeps_the_rest_of_the_graph():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    loss = (h * h).sum()
    (gh,) = fg.autograd.grad(loss, h, retain_graph=True)
    np.testing.assert_allclose(gh.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)
    assert h.grad_fn._ans is not None  # ExpBackward0 did not run, so it kept its output
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2 * np.array([1.0, 2.0])), rtol=1e-6)


def test_a_fresh_gradient_is_taken_into_grad_without_a_copy():
    x = fg.tensor(np.ones((3, 3)), requires_grad=True)
    w = fg.tensor(np.ones((3, 3)), requires_grad=True)
    y = x @ w
    made = {}
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: made.update(ids={id(g._data) for g in grad_inputs}))
    y.sum().backward()
    assert id(x.grad._data) in made["ids"] and id(w.grad._data) in made["ids"]


def test_calling_backward_inside_backward_is_a_clear_error():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    other = (fg.tensor([3.0], requires_grad=True) * 2).sum()
    x.register_hook(lambda g: other.backward())
    with pytest.raises(RuntimeError, match="backward\\(\\) was called while a backward pass is running"):
        (x * x).sum().backward()
    # autograd.grad (and the transforms) may run inside a pass
    y = fg.tensor([1.0, 2.0], requires_grad=True)
    inner = []
    y.register_hook(lambda g: inner.append(fg.grad(lambda v: (v ** 2).sum())(np.array([3.0]))))
    (y * y).sum().backward()
    np.testing.assert_allclose(inner[0], [6.0])


def test_two_threads_accumulate_into_one_shared_leaf():
    shared = fg.tensor([1.0, 2.0], dtype=fg.float64, requires_grad=True)
    rounds = 200

    def worker(scale):
        for _ in range(rounds):
            (shared * scale).sum().backward()

    threads = [threading.Thread(target=worker, args=(s,)) for s in (1.0, 2.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_allclose(shared.grad.numpy(), np.full(2, rounds * 3.0))


def test_autograd_grad_with_a_batch_of_cotangents():
    x = fg.tensor([1.0, 2.0, 3.0], dtype=fg.float64, requires_grad=True)
    y = x ** 2
    (rows,) = fg.autograd.grad(y, x, grad_outputs=fg.eye(3, dtype=fg.float64), is_grads_batched=True)
    np.testing.assert_allclose(rows.numpy(), np.diag([2.0, 4.0, 6.0]))  # the Jacobian, one pass
    with pytest.raises(RuntimeError, match="requires grad_outputs"):
        fg.autograd.grad(x ** 2, x, is_grads_batched=True)


def test_copy_node_is_named_as_pytorch_names_it():
    a = fg.zeros(3, requires_grad=True).clone()
    b = fg.ones(3, requires_grad=True)
    a.copy_(b)
    assert repr(a) == "tensor([1., 1., 1.], grad_fn=<CopyBackwards>)"
    a.sum().backward()
    assert b.grad.tolist() == [1.0, 1.0, 1.0]


def test_product_with_a_constant_keeps_no_input_as_pytorch():
    # x * 2.0 needs only 2.0 for x's gradient: x is not saved, so changing it in place later
    # is no error, and it is freed with its last reference.
    y = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = y * 1.0
    z[0] = z[1] * 2.0
    z.sum().backward()
    assert y.grad.tolist() == [0.0, 3.0, 1.0]
    a = fg.tensor([1.0, 2.0], requires_grad=True)
    h = a.exp()
    out = h * 2.0
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is None
    out.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)


def test_product_of_two_tracked_tensors_still_guards_both():
    p = fg.tensor([1.0, 2.0], requires_grad=True)
    q = fg.tensor([3.0, 4.0], requires_grad=True)
    pp = p * 1.0
    z = pp * q
    pp.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    # A constant Tensor operand is kept (it serves the tracked one's gradient) and guarded.
    c = fg.tensor([5.0, 6.0])
    w = p * c
    c.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


@pytest.mark.parametrize("name, f", [
    ("sign", lambda x: x.sign()), ("round", lambda x: x.round()), ("floor", lambda x: x.floor()),
    ("relu of negatives", lambda x: fg.relu(x - 10.0)), ("times zero", lambda x: x * 0.0),
    ("through a non-leaf", lambda x: (x * 3.0).sign()),
])
def test_a_leaf_reached_only_by_zero_gradients_gets_zeros_as_pytorch(name, f):
    x = fg.tensor([1.5, -2.0], requires_grad=True)
    f(x).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 0.0], name
    (g,) = fg.autograd.grad(f(x).sum(), x)
    assert g.tolist() == [0.0, 0.0], name
    # Zeros add nothing to a gradient that is already there.
    f(x).sum().backward()
    (x * 2.0).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_an_unused_leaf_stays_unused():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    unused = fg.tensor([3.0], requires_grad=True)
    (x * 2.0).sum().backward()
    assert unused.grad is None
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        fg.autograd.grad((x * 2.0).sum(), [x, unused])
    assert fg.autograd.grad((x * 2.0).sum(), [x, unused], allow_unused=True)[1] is None

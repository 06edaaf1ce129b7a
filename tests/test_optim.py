"""funcgrad.optim: trajectories against hand-written NumPy formulas, both faces, errors."""

import math

import numpy as np
import pytest

import funcgrad as fg
from funcgrad import optim

RNG = np.random.default_rng(0)
X0 = RNG.normal(size=(3, 4))
A = RNG.normal(size=(4, 4))
STEPS = 6


def loss_fn(p):
    """A non-quadratic objective so that every step sees a new gradient."""
    return ((fg.tensor(A) @ p.t()) ** 2).sum() + p.sin().sum()


def loss_grad(x):
    return 2 * (A.T @ (A @ x.T)).T + np.cos(x)


def tensor_run(cls, steps=STEPS, **kw):
    p = fg.tensor(X0.copy(), requires_grad=True)
    opt = cls([p], **kw)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(p).backward()
        opt.step()
    return p.detach().numpy(), opt, p


# ---- references, written out from the formulas --------------------------------------------


def ref_sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False,
            steps=STEPS):
    x, buf = X0.copy(), None
    for _ in range(steps):
        g = loss_grad(x)
        if maximize:
            g = -g
        g = g + weight_decay * x
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        x = x - lr * g
    return x


def ref_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             maximize=False, decoupled=False, steps=STEPS):
    b1, b2 = betas
    x = X0.copy()
    m, v, vmax = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for t in range(1, steps + 1):
        g = loss_grad(x)
        if maximize:
            g = -g
        if decoupled:
            x = x * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1**t)
        if amsgrad:
            vmax = np.maximum(vmax, v)
            vhat = vmax / (1 - b2**t)
        else:
            vhat = v / (1 - b2**t)
        x = x - lr * mhat / (np.sqrt(vhat) + eps)
    return x


SGD_CASES = [
    dict(lr=0.01),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, momentum=0.9, dampening=0.3),
    dict(lr=0.01, momentum=0.9, nesterov=True),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, momentum=0.5, weight_decay=0.1, nesterov=True),
    dict(lr=0.01, momentum=0.9, maximize=True),
]

ADAM_CASES = [
    dict(lr=0.05),
    dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.05, amsgrad=True),
    dict(lr=0.05, maximize=True),
    dict(lr=0.05, amsgrad=True, weight_decay=0.2, maximize=True),
]


@pytest.mark.parametrize("kw", SGD_CASES, ids=str)
def test_sgd_trajectory_matches_formulas(kw):
    got, _, _ = tensor_run(optim.SGD, **kw)
    np.testing.assert_allclose(got, ref_sgd(**kw), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", ADAM_CASES, ids=str)
def test_adam_trajectory_matches_formulas(kw):
    got, _, _ = tensor_run(optim.Adam, **kw)
    np.testing.assert_allclose(got, ref_adam(**kw), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", ADAM_CASES + [dict(lr=0.05, weight_decay=0.3)], ids=str)
def test_adamw_trajectory_matches_formulas(kw):
    kw = {"weight_decay": 1e-2, **kw}
    got, _, _ = tensor_run(optim.AdamW, **kw)
    np.testing.assert_allclose(got, ref_adam(decoupled=True, **kw), rtol=1e-12, atol=1e-12)


def test_adamw_default_weight_decay_differs_from_adam():
    assert optim.AdamW([fg.zeros(1, requires_grad=True)]).defaults["weight_decay"] == 1e-2
    assert optim.Adam([fg.zeros(1, requires_grad=True)]).defaults["weight_decay"] == 0
    got, _, _ = tensor_run(optim.AdamW, lr=0.05)
    np.testing.assert_allclose(got, ref_adam(lr=0.05, weight_decay=1e-2, decoupled=True))
    assert not np.allclose(got, ref_adam(lr=0.05, weight_decay=1e-2, decoupled=False))


def test_state_contents():
    _, opt, p = tensor_run(optim.SGD, lr=0.01, momentum=0.9)
    assert set(opt.state[p]) == {"momentum_buffer"}
    _, opt, p = tensor_run(optim.SGD, lr=0.01)
    assert p not in opt.state or "momentum_buffer" not in opt.state[p]
    _, opt, p = tensor_run(optim.Adam, lr=0.01, amsgrad=True)
    assert set(opt.state[p]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert opt.state[p]["step"] == STEPS
    assert np.all(opt.state[p]["max_exp_avg_sq"].numpy() >= opt.state[p]["exp_avg_sq"].numpy())


def test_step_updates_in_place_and_keeps_dtype_and_leaf():
    p = fg.tensor(X0.astype(np.float32), requires_grad=True)
    before = p.detach().numpy()  # shares memory with p
    version = p._version[0]
    opt = optim.Adam([p], lr=0.1)
    loss_fn(p).backward()
    opt.step()
    assert p.dtype == fg.float32 and p.is_leaf and p.requires_grad and p.grad_fn is None
    assert not np.allclose(before, X0)  # the same buffer was written
    assert p._version[0] > version
    assert opt.state[p]["exp_avg"].dtype == fg.float32


def test_step_outside_no_grad_records_nothing_and_grad_still_works():
    p = fg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
    assert p.grad_fn is None and p.is_leaf
    assert not opt.state[p]["momentum_buffer"].requires_grad


def test_params_without_grad_are_skipped():
    a = fg.tensor([1.0, 2.0], requires_grad=True)
    b = fg.tensor([3.0, 4.0], requires_grad=True)
    for cls in (optim.SGD, optim.Adam, optim.AdamW):
        opt = cls([a, b], lr=0.1, weight_decay=0.5)
        a.grad, b.grad = None, None
        (a * a).sum().backward()
        opt.step()
        np.testing.assert_array_equal(b.detach().numpy(), [3.0, 4.0])
        assert b not in opt.state or not opt.state[b]


def test_closure_is_called_and_loss_returned():
    p = fg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss.detach().numpy()) == 1.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8])


# ---- zero_grad and param groups ----------------------------------------------------------


def test_zero_grad_set_to_none_default():
    p = fg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    assert p.grad is not None
    opt.zero_grad()
    assert p.grad is None
    opt.zero_grad()  # no grad: nothing to do


def test_zero_grad_fills_zeros_in_place():
    p = fg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g
    np.testing.assert_array_equal(p.grad.numpy(), [0.0, 0.0])
    (p * p).sum().backward()  # accumulates onto the zeros
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 4.0])


def test_without_zero_grad_gradients_accumulate():
    p = fg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()  # 1 - 0.2 = 0.8
    (p * p).sum().backward()  # grad 2 + 1.6
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.8 - 0.1 * 3.6])


def test_param_groups_with_different_lr():
    a = fg.tensor([1.0], requires_grad=True)
    b = fg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0, 0.9]
    assert opt.param_groups[1]["params"] == [b]
    for _ in range(2):
        opt.zero_grad()
        (a * a + b * b).sum().backward()
        opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [(1 - 0.2) ** 2])
    # b: 1 - 0.5*2 = 0; grad 0, buf 0.9*2 = 1.8, b = 0 - 0.5*1.8
    np.testing.assert_allclose(b.detach().numpy(), [-0.9])
    assert a not in opt.state or not opt.state[a]


def test_param_group_lr_can_be_changed_between_steps():
    p = fg.tensor([1.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    for group in opt.param_groups:
        group["lr"] = 0.0
    before = p.detach().numpy().copy()
    opt.step()
    np.testing.assert_array_equal(p.detach().numpy(), before)


def test_add_param_group():
    a = fg.zeros(2, requires_grad=True)
    opt = optim.Adam([a], lr=0.1, betas=(0.5, 0.6))
    b = fg.zeros(3, requires_grad=True)
    opt.add_param_group({"params": [b], "lr": 0.01})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_repr_lists_groups():
    opt = optim.SGD([fg.zeros(1, requires_grad=True)], lr=0.1)
    text = repr(opt)
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.1" in text


# ---- the functional face -----------------------------------------------------------------


def functional_run(opt, steps=STEPS):
    params = {"x": X0.copy()}
    state = opt.init(params)
    for _ in range(steps):
        grads = {"x": loss_grad(params["x"])}
        params, state = opt.update(grads, state, params)
    return params["x"], state


@pytest.mark.parametrize("kw", [
    dict(lr=0.01), dict(lr=0.01, momentum=0.9), dict(lr=0.01, momentum=0.9, nesterov=True),
    dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, momentum=0.5, nesterov=True, weight_decay=0.1),
], ids=str)
def test_functional_sgd_matches_formulas_and_tensor_sgd(kw):
    got, _ = functional_run(optim.sgd(**kw))
    np.testing.assert_allclose(got, ref_sgd(**kw), rtol=1e-12, atol=1e-12)
    tensor_got, _, _ = tensor_run(optim.SGD, **kw)
    np.testing.assert_allclose(got, tensor_got, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", [
    dict(lr=0.05), dict(lr=0.05, b1=0.8, b2=0.9, eps=1e-6), dict(lr=0.05, weight_decay=0.1),
], ids=str)
def test_functional_adam_matches_formulas_and_tensor_adam(kw):
    got, state = functional_run(optim.adam(**kw))
    torch_kw = {k: v for k, v in kw.items() if k not in ("b1", "b2")}
    torch_kw["betas"] = (kw.get("b1", 0.9), kw.get("b2", 0.999))
    np.testing.assert_allclose(got, ref_adam(**torch_kw), rtol=1e-12, atol=1e-12)
    tensor_got, opt, p = tensor_run(optim.Adam, **torch_kw)
    np.testing.assert_allclose(got, tensor_got, rtol=1e-12, atol=1e-12)
    assert state.count == STEPS
    np.testing.assert_allclose(state.mu["x"], opt.state[p]["exp_avg"].numpy(), rtol=1e-12)
    np.testing.assert_allclose(state.nu["x"], opt.state[p]["exp_avg_sq"].numpy(), rtol=1e-12)


def test_functional_adamw_matches_tensor_adamw():
    got, _ = functional_run(optim.adamw(lr=0.05, weight_decay=0.3))
    tensor_got, _, _ = tensor_run(optim.AdamW, lr=0.05, weight_decay=0.3)
    np.testing.assert_allclose(got, tensor_got, rtol=1e-12, atol=1e-12)


def test_functional_update_is_pure_and_keeps_structure():
    params = {"w": np.ones((2, 2)), "b": [np.zeros(2), np.full(3, 2.0)]}
    grads = fg.tree.map(lambda p: np.full_like(p, 0.5), params)
    copies = fg.tree.map(np.copy, (params, grads))
    for opt in (optim.sgd(0.1, momentum=0.9), optim.adam(0.1, weight_decay=0.1), optim.adamw(0.1)):
        state = opt.init(params)
        state_copy = fg.tree.map(lambda x: np.copy(x) if isinstance(x, np.ndarray) else x, state)
        new_params, new_state = opt.update(grads, state, params)
        assert fg.tree.structure(new_params) == fg.tree.structure(params)
        for a, b in zip(fg.tree.leaves((params, grads)), fg.tree.leaves(copies)):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(fg.tree.leaves(state), fg.tree.leaves(state_copy)):
            np.testing.assert_array_equal(a, b)
        assert all(not np.array_equal(a, b) for a, b in
                   zip(fg.tree.leaves(new_params), fg.tree.leaves(params)))
        # the same inputs give the same outputs
        again, _ = opt.update(grads, state, params)
        for a, b in zip(fg.tree.leaves(again), fg.tree.leaves(new_params)):
            np.testing.assert_array_equal(a, b)


def test_functional_sgd_without_momentum_keeps_no_state():
    opt = optim.sgd(0.1)
    state = opt.init({"w": np.ones(2)})
    assert state.momentum is None
    params, state2 = opt.update({"w": np.ones(2)}, state, {"w": np.ones(2)})
    np.testing.assert_allclose(params["w"], [0.9, 0.9])
    assert state2 is state


def test_functional_with_fg_grad():
    def loss(p):
        return ((p["w"] - 3.0) ** 2).sum() + (p["b"] ** 2).sum()

    params = {"w": np.zeros(2), "b": np.ones(1)}
    opt = optim.adam(lr=0.1)
    state = opt.init(params)
    for _ in range(400):
        params, state = opt.update(fg.grad(loss)(params), state, params)
    np.testing.assert_allclose(params["w"], [3.0, 3.0], atol=1e-2)
    np.testing.assert_allclose(params["b"], [0.0], atol=1e-2)


# ---- training a least-squares problem ----------------------------------------------------

LS_RNG = np.random.default_rng(1)
LS_X = LS_RNG.normal(size=(32, 3))
LS_W = np.array([[1.5], [-2.0], [0.5]])
LS_Y = LS_X @ LS_W + 0.3 + 0.01 * LS_RNG.normal(size=(32, 1))


def ls_loss_tensor(w, b):
    r = fg.tensor(LS_X) @ w + b - fg.tensor(LS_Y)
    return (r * r).mean()


def ls_loss_numpy(params):
    r = LS_X @ params["w"] + params["b"] - LS_Y
    return (r * r).mean()


@pytest.mark.parametrize("cls, kw", [
    (optim.SGD, dict(lr=0.05)),
    (optim.SGD, dict(lr=0.02, momentum=0.9)),
    (optim.SGD, dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=1e-4)),
    (optim.Adam, dict(lr=0.05)),
    (optim.Adam, dict(lr=0.05, amsgrad=True)),
    (optim.AdamW, dict(lr=0.05)),
], ids=lambda v: v.__name__ if isinstance(v, type) else str(v))
def test_tensor_optimizers_train_least_squares(cls, kw):
    w = fg.zeros(3, 1, dtype=fg.float64, requires_grad=True)
    b = fg.zeros(1, dtype=fg.float64, requires_grad=True)
    opt = cls([w, b], **kw)
    first = float(ls_loss_tensor(w, b).detach().numpy())
    for _ in range(300):
        opt.zero_grad()
        loss = ls_loss_tensor(w, b)
        loss.backward()
        opt.step()
    last = float(ls_loss_tensor(w, b).detach().numpy())
    assert last < 0.01 * first and last < 0.05
    np.testing.assert_allclose(w.detach().numpy(), LS_W, atol=0.1)


@pytest.mark.parametrize("opt", [
    optim.sgd(0.05), optim.sgd(0.02, momentum=0.9, nesterov=True), optim.adam(0.05),
    optim.adamw(0.05),
], ids=["sgd", "sgd-nesterov", "adam", "adamw"])
def test_functional_optimizers_train_least_squares(opt):
    params = {"w": np.zeros((3, 1)), "b": np.zeros(1)}
    state = opt.init(params)
    first = ls_loss_numpy(params)
    step_grad = fg.grad(ls_loss_numpy)
    for _ in range(300):
        params, state = opt.update(step_grad(params), state, params)
    last = ls_loss_numpy(params)
    assert last < 0.01 * first and last < 0.05


def test_maximize_climbs():
    p = fg.tensor([0.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.1, maximize=True)
    for _ in range(200):
        opt.zero_grad()
        (-(p - 2.0) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [2.0], atol=0.05)


# ---- errors ------------------------------------------------------------------------------


def _p():
    return [fg.zeros(2, requires_grad=True)]


@pytest.mark.parametrize("make, message", [
    (lambda: optim.SGD(_p(), lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda: optim.SGD(_p(), lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda: optim.SGD(_p(), lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda: optim.SGD(_p(), lr=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda: optim.SGD(_p(), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda: optim.Adam(_p(), lr=-1), "Invalid learning rate: -1"),
    (lambda: optim.Adam(_p(), eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda: optim.Adam(_p(), betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda: optim.Adam(_p(), betas=(-0.1, 0.999)), "Invalid beta parameter at index 0: -0.1"),
    (lambda: optim.Adam(_p(), betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (lambda: optim.AdamW(_p(), betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    (lambda: optim.Adam(_p(), weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (lambda: optim.AdamW(_p(), lr=-1e-3), "Invalid learning rate: -0.001"),
    (lambda: optim.SGD([{"params": _p(), "lr": -1}], lr=0.1), "Invalid learning rate: -1"),
    (lambda: optim.SGD([], lr=0.1), "optimizer got an empty parameter list"),
    (lambda: optim.sgd(-0.1), "Invalid learning rate: -0.1"),
    (lambda: optim.sgd(0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda: optim.sgd(0.1, momentum=-1), "Invalid momentum value: -1"),
    (lambda: optim.adam(-1.0), "Invalid learning rate: -1.0"),
    (lambda: optim.adam(b1=1.0), "Invalid beta parameter at index 0: 1.0"),
    (lambda: optim.adam(b2=1.0), "Invalid beta parameter at index 1: 1.0"),
    (lambda: optim.adam(eps=-1.0), "Invalid epsilon value: -1.0"),
    (lambda: optim.adamw(weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
])
def test_invalid_hyperparameters_raise_value_error(make, message):
    with pytest.raises(ValueError) as info:
        make()
    assert str(info.value) == message


def test_invalid_params_raise():
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(fg.zeros(2, requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([np.zeros(2)], lr=0.1)
    leaf = fg.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([leaf * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([leaf, leaf], lr=0.1)


def test_zero_lr_and_zero_betas_are_valid():
    p = fg.tensor([1.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.0, betas=(0.0, 0.0))
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_array_equal(p.detach().numpy(), [1.0])
    assert math.isclose(float(opt.state[p]["exp_avg"].numpy()[0]), 2.0)

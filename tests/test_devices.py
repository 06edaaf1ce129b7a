"""Every primitive, and the transforms, on a CUDA device give what they give on the CPU.

Two devices run these tests through one parametrisation:

* ``cuda``: a real GPU through CuPy; skipped (with the reason) where there is none;
* ``fake-cuda``: ``tests/_fake_cupy.py``, a CPU stand-in for CuPy that is strict the way
  CuPy is (no implicit conversion to NumPy, no mixing of host and device arrays). It runs
  everywhere, so CI without a GPU still proves the code is device-agnostic; it checks no
  CUDA numerics, which only the real device does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import backend
from funcgrad.ops import REGISTRY
from funcgrad.tensor import _from_array
from funcgrad.testing import _sample_args

from _devices import Device  # (the `device` fixture is in conftest.py)


# Primitives whose rules still mix host and device arrays: each entry must fail (strict), so
# a fix that makes one pass fails the suite until the entry goes.
KNOWN_DEVICE_BUGS: set[str] = set()
_FAILING_SAMPLES: dict[str, set[int]] = {}


def _case(name: str, k: int) -> Any:
    marks = []
    if name in KNOWN_DEVICE_BUGS and k in _FAILING_SAMPLES.get(name, {k}):
        marks.append(pytest.mark.xfail(strict=True, reason=f"{name} mixes host and device arrays"))
    return pytest.param(name, k, id=f"{name}-{k}", marks=marks)


CASES = [_case(name, k) for name, prim in sorted(REGISTRY.items()) for k in range(len(prim.samples))]


def _leaf(data: Any) -> fg.Tensor:
    return _from_array(data).requires_grad_(True)


@pytest.mark.parametrize("name, k", CASES)
def test_primitive_matches_the_cpu(device: Device, name: str, k: int) -> None:
    prim = REGISTRY[name]
    sample = prim.samples[k]
    xs, positions, build = _sample_args(prim, sample, np.random.default_rng(k))
    cpu_args = build(*xs)

    def dev_build(*inputs: Any) -> tuple[Any, ...]:
        args = device.put(build(*inputs))
        if name == "to_device":  # its samples copy CPU to CPU; here: device to device
            args = args[:1] + ("cuda", 0, "cuda", 0)
        return tuple(args)

    dev_args = dev_build(*xs)

    want = prim(*cpu_args)
    got = prim(*dev_args)
    device.close(got, want, f"forward of {name}")
    if not prim.differentiable or not xs:
        return

    rng = np.random.default_rng(100 + k)
    # Reverse mode through the tape.
    cpu_leaves = [_leaf(x) for x in xs]
    dev_leaves = [_leaf(device.put(x)) for x in xs]
    cpu_out = prim(*build(*cpu_leaves))
    dev_out = prim(*dev_build(*dev_leaves))
    cot = np.asarray(rng.standard_normal(np.shape(cpu_out._data)), dtype=cpu_out._data.dtype)
    if cpu_out._data.dtype.kind == "c":
        cot = cot + 1j * np.asarray(rng.standard_normal(cot.shape), dtype=cot.dtype)
    if cpu_out.requires_grad:
        cpu_out.backward(_from_array(cot))
        dev_out.backward(_from_array(device.put(cot)))
        for i, (c, d) in enumerate(zip(cpu_leaves, dev_leaves)):
            if c.grad is None:
                assert d.grad is None, f"{name}: gradient {i} is zero on the CPU only"
                continue
            device.close(d.grad, c.grad, f"VJP of {name}, input {i}")

    # Forward mode.
    vs = [np.asarray(rng.standard_normal(np.shape(x)), dtype=x.dtype) for x in xs]

    def f(*inputs: Any) -> Any:
        return prim(*build(*inputs))

    def dev_f(*inputs: Any) -> Any:
        return prim(*dev_build(*inputs))

    cpu_primal, cpu_tangent = fg.jvp(f, tuple(xs), tuple(vs))
    dev_primal, dev_tangent = fg.jvp(dev_f, tuple(device.put(x) for x in xs), tuple(device.put(v) for v in vs))
    device.close(dev_primal, cpu_primal, f"jvp primal of {name}")
    device.close(dev_tangent, cpu_tangent, f"JVP of {name}")


# ---- the Tensor facade and the transforms on the device ------------------------------------


def test_creation_device_and_repr(device: Device) -> None:
    x = fg.ones(2, 3, device="cuda", requires_grad=True)
    assert x.device == fg.device("cuda:0") and x.is_cuda
    assert repr(x) == (
        "tensor([[1., 1., 1.],\n        [1., 1., 1.]], device='cuda:0', requires_grad=True)")
    for make in (lambda: fg.zeros(3, device="cuda"), lambda: fg.tensor([1.0, 2.0], device="cuda"),
                 lambda: fg.arange(4, device="cuda"), lambda: fg.randn(2, device="cuda"),
                 lambda: fg.full((2,), 7.0, device="cuda"), lambda: fg.eye(2, device="cuda")):
        t = make()
        assert t.device.type == "cuda", make
        device.get(t)


def test_to_cuda_cpu_and_back_is_differentiable(device: Device) -> None:
    a = np.arange(6.0).reshape(2, 3)
    x = fg.tensor(a, requires_grad=True)
    y = x.cuda()
    assert y.device.type == "cuda" and type(y.grad_fn).__name__ == "ToCopyBackward0"
    z = (y * y).sum().cpu()
    assert z.device.type == "cpu"
    z.backward()
    # The gradient comes back to the CPU leaf, on the CPU.
    assert x.grad.device.type == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), 2 * a)
    assert x.to("cpu") is x and y.to("cuda") is y


def test_mixed_devices_name_both(device: Device) -> None:
    x = fg.ones(3, device="cuda")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but "
                                           "found at least two devices, cuda:0 and cpu!"):
        x + fg.ones(3)
    with pytest.raises(RuntimeError, match="cuda:0 and cpu"):
        fg.matmul(fg.ones(3, device="cuda"), fg.ones(3))
    # Python and NumPy scalars mix with any device, as PyTorch's CPU scalars do.
    device.close(x * 2.0 + np.float64(1.0), np.full(3, 3.0), "scalars")


def test_numpy_refuses_a_device_tensor_as_pytorch(device: Device) -> None:
    x = fg.ones(2, device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy. Use "
                                        "Tensor.cpu\\(\\) to copy the tensor to host memory first."):
        x.numpy()
    np.testing.assert_array_equal(x.cpu().numpy(), np.ones(2, np.float32))
    assert x.tolist() == [1.0, 1.0] and x.sum().item() == 2.0


def test_no_silent_copy_to_the_host_and_pickling_keeps_the_device(device: Device) -> None:
    import copy
    import pickle

    x = fg.tensor([[1.5, -2.0]], dtype=fg.float64, device="cuda", requires_grad=True)
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(x.detach())
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.array(x.detach(), dtype=np.float32)
    assert np.asarray(x.detach().cpu()).tolist() == [[1.5, -2.0]]
    for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x)):
        assert y.is_cuda and y.requires_grad and y.dtype == fg.float64 and y is not x
        device.close(y.detach(), np.array([[1.5, -2.0]]), "round trip")
    z = pickle.loads(pickle.dumps(fg.ones(2)))
    assert z.device.type == "cpu" and z.tolist() == [1.0, 1.0]


def test_backward_on_the_device(device: Device) -> None:
    rng = np.random.default_rng(0)
    w, b, inp = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((5, 4))

    def loss(w: Any, b: Any, inp: Any) -> Any:
        return fg.tanh(inp @ w + b).pow(2).mean()

    cpu = [fg.tensor(v, requires_grad=True) for v in (w, b)]
    dev = [fg.tensor(v, device="cuda", requires_grad=True) for v in (w, b)]
    loss(*cpu, fg.tensor(inp)).backward()
    loss(*dev, fg.tensor(inp, device="cuda")).backward()
    for c, d in zip(cpu, dev):
        device.close(d.grad, c.grad, "MLP gradients")


def _f(x: Any) -> Any:
    return fnp.sum(fnp.tanh(x) * x ** 2)


def test_transforms_take_and_return_device_arrays(device: Device) -> None:
    a = np.linspace(-1.0, 1.0, 5)
    d = device.put(a)
    device.close(fg.grad(_f)(d), fg.grad(_f)(a), "grad")
    device.close(fg.jacrev(fg.grad(_f))(d), fg.hessian(_f)(a), "jacrev of grad")
    device.close(fg.jacfwd(lambda x: fnp.tanh(x) * x)(d), fg.jacfwd(lambda x: fnp.tanh(x) * x)(a), "jacfwd")
    device.close(fg.hessian(_f)(d), fg.hessian(_f)(a), "hessian")
    value, g = fg.value_and_grad(_f)(d)
    device.close(value, fg.value_and_grad(_f)(a)[0], "value")
    out, tangent = fg.jvp(_f, (d,), (device.put(np.ones(5)),))
    device.close(tangent, fg.jvp(_f, (a,), (np.ones(5),))[1], "jvp")
    out, pullback = fg.vjp(lambda x: fnp.sin(x) * 2.0, d)
    (ct,) = pullback(device.put(np.arange(5.0)))
    device.close(ct, 2 * np.cos(a) * np.arange(5.0), "vjp")


# ---- the PyTorch-style facade on the device -------------------------------------------------


def _pair(a: np.ndarray, requires_grad: bool = True) -> tuple[fg.Tensor, fg.Tensor]:
    """The same values as a CPU leaf and as a device leaf."""
    return (fg.tensor(a, requires_grad=requires_grad),
            fg.tensor(a, device="cuda", requires_grad=requires_grad))


def test_creation_functions_take_a_device(device: Device) -> None:
    cases: list[tuple[str, Any, Any]] = [
        ("zeros", lambda **d: fg.zeros(2, 3, dtype=fg.float64, **d), None),
        ("ones", lambda **d: fg.ones((4,), dtype=fg.int32, **d), None),
        ("empty", lambda **d: fg.empty(2, **d).zero_(), None),
        ("full", lambda **d: fg.full((2, 2), 7.5, **d), None),
        ("full int", lambda **d: fg.full((3,), 2, dtype=fg.int64, **d), None),
        ("eye", lambda **d: fg.eye(3, 2, **d), None),
        ("arange", lambda **d: fg.arange(1, 10, 2, **d), None),
        ("arange float", lambda **d: fg.arange(0.0, 1.0, 0.25, **d), None),
        ("linspace", lambda **d: fg.linspace(-1.0, 1.0, 5, **d), None),
        ("tensor", lambda **d: fg.tensor([[1, 2], [3, 4]], **d), None),
        ("tensor complex", lambda **d: fg.tensor([1 + 2j, 3j], **d), None),
        ("as_tensor", lambda **d: fg.as_tensor(np.arange(3.0), **d), None),
    ]
    for what, make, _ in cases:
        want, got = make(), make(device="cuda")
        assert got.device == fg.device("cuda:0") and got.is_cuda, what
        assert got.dtype == want.dtype and got.shape == want.shape, what
        device.close(got, want, what)
    # Seeded random draws: the same values on either device, as PyTorch's CPU generator
    # would not promise but funcgrad's host generator does.
    for what, make in [("rand", lambda **d: fg.rand(3, 2, **d)),
                       ("randn", lambda **d: fg.randn(4, dtype=fg.float64, **d)),
                       ("randint", lambda **d: fg.randint(0, 10, (5,), **d)),
                       ("randint high", lambda **d: fg.randint(6, (2, 2), **d))]:
        fg.manual_seed(3)
        want = make()
        fg.manual_seed(3)
        got = make(device="cuda")
        assert got.is_cuda and got.dtype == want.dtype, what
        device.close(got, want, what)
    t = fg.randn(2, 3, device="cuda", requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.is_cuda


def test_constant_fills_are_made_on_the_device(device: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    """zeros, ones, full, eye and the *_like fills are made where they live: no host array
    is built and copied over (the copy is what ``asarray`` of the CUDA module would do)."""
    copies: list[Any] = []
    real = device.module.asarray

    def counting(*args: Any, **kwargs: Any) -> Any:
        copies.append(args[0])
        return real(*args, **kwargs)

    src = fg.ones(2, 2, device="cuda")
    monkeypatch.setattr(device.module, "asarray", counting)
    made = [fg.zeros(3, device="cuda"), fg.ones(2, 3, dtype=fg.int64, device="cuda"),
            fg.full((2,), 1.5, device="cuda"), fg.eye(3, 2, device="cuda"), fg.empty(2, device="cuda"),
            fg.zeros_like(src), fg.ones_like(src), fg.full_like(src, 3.0), fg.empty_like(src)]
    assert copies == []
    monkeypatch.undo()
    for t, want in zip(made, [np.zeros(3), np.ones((2, 3)), np.full(2, 1.5), np.eye(3, 2), np.zeros(2),
                              np.zeros((2, 2)), np.ones((2, 2)), np.full((2, 2), 3.0), np.zeros((2, 2))]):
        assert t.is_cuda
        device.close(t, want, "constant fill")
    assert made[1].dtype == fg.int64 and made[0].dtype == fg.float32


def test_like_functions_keep_the_device_of_their_input(device: Device) -> None:
    src = fg.tensor(np.arange(6.0).reshape(2, 3), device="cuda")
    for what, make, value in [
        ("zeros_like", fg.zeros_like, np.zeros((2, 3))),
        ("ones_like", fg.ones_like, np.ones((2, 3))),
        ("empty_like", fg.empty_like, None),
        ("full_like", lambda x, **k: fg.full_like(x, 2.5, **k), np.full((2, 3), 2.5)),
        ("rand_like", fg.rand_like, None),
        ("randn_like", fg.randn_like, None),
    ]:
        got = make(src)
        assert got.is_cuda and got.shape == (2, 3) and got.dtype == fg.float64, what
        if value is not None:
            device.close(got, value, what)
        # An explicit device wins, either way.
        assert make(src, device="cpu").device.type == "cpu", what
        assert make(fg.ones(2), device="cuda").is_cuda, what
    z = fg.zeros_like(src, dtype=fg.int64)
    assert z.is_cuda and z.dtype == fg.int64
    # A bare device array as input: its device too.
    raw = device.put(np.ones((2, 2)))
    assert fg.ones_like(raw).is_cuda and fg.zeros_like(raw).dtype == fg.float64
    # tensor() of a device array or a device Tensor stays on the device (a copy).
    assert fg.tensor(raw).is_cuda
    with pytest.warns(UserWarning, match="clone\\(\\).detach\\(\\)"):
        assert fg.tensor(src).is_cuda
    assert fg.tensor(raw, dtype=fg.float32).dtype == fg.float32


def test_to_with_device_and_dtype(device: Device) -> None:
    x = fg.tensor([[1.5, -2.0], [3.0, 0.25]], dtype=fg.float64, requires_grad=True)
    y = x.to("cuda", fg.float32)
    assert y.is_cuda and y.dtype == fg.float32 and y.requires_grad
    z = y.to(fg.float64).to(device="cpu")
    assert z.device.type == "cpu" and z.dtype == fg.float64
    (z * z).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy())
    assert x.to(fg.device("cuda:0")).is_cuda and x.cuda(0).is_cuda and x.cuda().cpu().is_cuda is False
    assert x.to("cuda", dtype=fg.float16).dtype == fg.float16
    # .to() with another Tensor takes its device and dtype.
    other = fg.zeros(1, dtype=fg.float32, device="cuda")
    w = x.to(other)
    assert w.is_cuda and w.dtype == fg.float32
    # .double()/.float()/.long() keep the device; the legacy type names say where, as PyTorch's.
    assert y.double().is_cuda and y.long().is_cuda and y.double().dtype == fg.float64
    assert y.type() == "funcgrad.cuda.FloatTensor" and y.long().type() == "funcgrad.cuda.LongTensor"
    assert x.type() == "funcgrad.DoubleTensor"


@pytest.mark.parametrize("dtype, shape", [
    ("float32", (3,)), ("float64", (2, 2)), ("int64", (2, 3)), ("bool", (3,)),
    ("complex64", (2,)), ("float32", ()), ("int32", (0,)), ("float16", (2, 1)),
])
def test_printing_on_the_device_matches_the_cpu_with_the_device_named(
        device: Device, dtype: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    a = (rng.standard_normal(shape) * 10).astype(dtype)
    cpu = fg.tensor(a)
    dev = fg.tensor(a, device="cuda")
    want = repr(cpu)
    # PyTorch puts the device before the dtype (and before requires_grad).
    if want.endswith(")") and ", dtype=" in want:
        head, tail = want.split(", dtype=", 1)
        want = head + ", device='cuda:0', dtype=" + tail
    elif want.endswith(")"):
        want = want[:-1] + ", device='cuda:0')"
    assert repr(dev) == want
    assert str(dev) == want
    g = fg.tensor(np.ones(2), device="cuda", requires_grad=True) * 2
    assert repr(g).endswith("device='cuda:0', dtype=funcgrad.float64, grad_fn=<MulBackward0>)")


def test_methods_and_operators_with_gradients(device: Device) -> None:
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 4)), rng.uniform(0.5, 2.0, (3, 4))

    def program(x: fg.Tensor, y: fg.Tensor) -> fg.Tensor:
        z = (x * y + x / y - y ** 2) @ x.T
        z = z.relu() + z.sigmoid() * z.tanh() - abs(z).sqrt()
        w = (x.exp() + 1.0).log().clamp(min=0.2, max=3.0) + (-x).max(dim=1, keepdim=True).values
        v = x.softmax(-1).mean(0) * y.std(1).sum() + x.norm() + (x > 0).float().sum()
        return z.sum() + w.var() + v.pow(3).sum() + x.logsumexp(1).cumsum(0)[-1] \
            + x.reshape(4, 3).transpose(0, 1).flatten()[::2].prod() + y.sqrt().reciprocal().amin()

    cx, dx = _pair(a)
    cy, dy = _pair(b)
    want, got = program(cx, cy), program(dx, dy)
    assert got.is_cuda
    device.close(got, want, "value")
    want.backward()
    got.backward()
    device.close(dx.grad, cx.grad, "grad x")
    device.close(dy.grad, cy.grad, "grad y")


def test_indexing_and_in_place_ops_with_gradients(device: Device) -> None:
    a = np.arange(12.0).reshape(3, 4) / 7.0

    def program(x: fg.Tensor, dev: str) -> fg.Tensor:
        y = x * 1.0
        y[0] = x[1] * 2.0
        y[:, 1] = y[:, 1] + 3.0
        y[fg.tensor([2, 0], device=dev), fg.tensor([3, 3], device=dev)] = x[1, :2]
        y[y > 1.5] *= 0.5
        y.mul_(2.0).add_(1.0).sub_(x).div_(3.0).clamp_(min=-0.1)
        z = y[[0, 2]][:, fg.tensor([True, False, True, True], device=dev)]
        return z.sum() + y[..., -1].pow(2).sum() + x[fg.tensor([1, 1, 2], device=dev)].sum()

    cx, dx = _pair(a)
    want, got = program(cx, "cpu"), program(dx, "cuda")
    device.close(got, want, "value")
    want.backward()
    got.backward()
    device.close(dx.grad, cx.grad, "grad")
    assert dx.grad.is_cuda
    # In-place on a leaf under no_grad (an optimizer step), then zero_.
    with fg.no_grad():
        dx.sub_(0.1 * dx.grad)
        cx.sub_(0.1 * cx.grad)
    device.close(dx, cx, "step")
    dx.grad.zero_()
    device.close(dx.grad, np.zeros((3, 4)), "zero_")
    # A value saved for backward and then modified: PyTorch's error, with the CUDA type name.
    z = fg.tensor([1.0, 2.0], dtype=fg.float64, device="cuda", requires_grad=True)
    w = z * 1.0
    total = (w * w).sum()
    w.add_(1.0)
    with pytest.raises(RuntimeError, match=r"\[funcgrad.cuda.DoubleTensor \[2\]\], which is output 0 of "
                                           r"AddBackward0, is at version 1; expected version 0"):
        total.backward()


def test_copy_across_devices_sends_the_gradient_back(device: Device) -> None:
    a = np.array([1.0, -2.0, 3.0])
    src = fg.tensor(a, requires_grad=True)
    dst = fg.zeros(3, dtype=fg.float64, device="cuda")
    dst.copy_(src)
    assert dst.is_cuda and dst.requires_grad and dst.grad_fn is not None
    (dst * dst).sum().backward()
    assert src.grad.device.type == "cpu"
    np.testing.assert_allclose(src.grad.numpy(), 2 * a)
    back = fg.zeros(3, dtype=fg.float64)
    dsrc = fg.tensor(a, device="cuda", requires_grad=True)
    back.copy_(dsrc).pow(3).sum().backward()
    assert back.device.type == "cpu"
    device.close(dsrc.grad, 3 * a ** 2, "gradient back to the device")
    device.close(fg.zeros(3, device="cuda").copy_(np.arange(3.0)), np.arange(3.0), "from NumPy")


def test_retain_grad_hooks_and_no_grad(device: Device) -> None:
    seen: dict[str, list[Any]] = {"cpu": [], "cuda": []}

    def run(dev: str) -> tuple[fg.Tensor, fg.Tensor]:
        x = fg.tensor([0.5, -1.0, 2.0], dtype=fg.float64, device=dev, requires_grad=True)
        h = x * x
        h.retain_grad()
        h.register_hook(lambda g: g * 3.0)
        x.register_hook(lambda g: seen[dev].append(g.device.type))
        with fg.no_grad():
            c = x * 10.0
        assert not c.requires_grad and c.device.type == dev
        (h.sin() * c).sum().backward()
        return x, h

    (cx, ch), (dx, dh) = run("cpu"), run("cuda")
    device.close(dh.grad, ch.grad, "retained grad")
    device.close(dx.grad, cx.grad, "hooked grad")
    assert seen == {"cpu": ["cpu"], "cuda": ["cuda"]}
    with fg.enable_grad():
        g = fg.autograd.grad((dx ** 3).sum(), dx, create_graph=True)[0]
    assert g.is_cuda and g.requires_grad
    (g2,) = fg.autograd.grad(g.sum(), dx)
    device.close(g2, 6 * cx.detach(), "second derivative by autograd.grad")


# ---- funcgrad.nn.functional and funcgrad.optim on the device --------------------------------


def _grads_agree(device: Device, fn: Any, arrays: list[np.ndarray], what: str,
                 extra: Any = lambda dev: ()) -> None:
    """``fn(*leaves, *extra(dev))`` and its gradients agree between the CPU and the device."""
    cpu = [fg.tensor(a, requires_grad=True) for a in arrays]
    dev = [fg.tensor(a, device="cuda", requires_grad=True) for a in arrays]
    want, got = fn(*cpu, *extra("cpu")), fn(*dev, *extra("cuda"))
    assert got.is_cuda, what
    device.close(got, want, what)
    want.sum().backward()
    got.sum().backward()
    for i, (c, d) in enumerate(zip(cpu, dev)):
        device.close(d.grad, c.grad, f"{what}: gradient {i}")


def test_nn_functional_values_and_gradients(device: Device) -> None:
    import funcgrad.nn.functional as F

    rng = np.random.default_rng(4)
    logits, probs = rng.standard_normal((5, 4)), rng.uniform(0.05, 0.95, (5, 4))
    target = np.array([0, 3, 1, 1, 2])
    weight = np.array([1.0, 0.5, 2.0, 1.5])

    def on(dev: str, a: Any) -> fg.Tensor:
        return fg.tensor(a, device=dev)

    _grads_agree(device, lambda x, t: F.cross_entropy(x, t), [logits], "cross_entropy",
                 lambda dev: (on(dev, target),))
    _grads_agree(device, lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.1),
                 [logits], "weighted, smoothed cross_entropy",
                 lambda dev: (on(dev, target), on(dev, weight)))
    _grads_agree(device, lambda x, p: F.cross_entropy(x, p), [logits], "cross_entropy, soft targets",
                 lambda dev: (on(dev, probs / probs.sum(1, keepdims=True)),))
    _grads_agree(device, lambda x, t: F.nll_loss(F.log_softmax(x, dim=1), t, reduction="sum"),
                 [logits], "nll_loss", lambda dev: (on(dev, target),))
    _grads_agree(device, lambda x, y: F.mse_loss(x, y), [logits, probs], "mse_loss")
    _grads_agree(device, lambda x, y: F.binary_cross_entropy_with_logits(x, y), [logits],
                 "BCE with logits", lambda dev: (on(dev, probs),))
    _grads_agree(device, lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw),
                 [logits], "BCE with logits, pos_weight", lambda dev: (on(dev, probs), on(dev, weight)))
    _grads_agree(device, lambda p, y: F.binary_cross_entropy(p, y), [probs], "BCE",
                 lambda dev: (on(dev, 1 - probs),))
    for what, f in [("softmax", lambda x: F.softmax(x, dim=1) * fg.arange(4.0, device=x.device)),
                    ("log_softmax", lambda x: F.log_softmax(x, dim=0)),
                    ("gelu", F.gelu), ("gelu tanh", lambda x: F.gelu(x, approximate="tanh")),
                    ("relu", F.relu), ("silu", F.silu), ("softplus", F.softplus),
                    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2)), ("elu", F.elu),
                    ("hardtanh", F.hardtanh), ("logsigmoid", F.logsigmoid),
                    ("normalize", F.normalize), ("one_hot", lambda x: x * F.one_hot(
                        fg.tensor(target, device=x.device), 4))]:
        _grads_agree(device, f, [logits], what)
    _grads_agree(device, lambda x, w, b: F.linear(x, w, b), [logits, rng.standard_normal((3, 4)),
                                                              rng.standard_normal(3)], "linear")


def test_dropout_with_a_seed_drops_the_same_elements(device: Device) -> None:
    import funcgrad.nn.functional as F

    a = np.arange(1.0, 41.0).reshape(5, 8)
    results = []
    for dev in ("cpu", "cuda"):
        fg.manual_seed(11)
        x = fg.tensor(a, device=dev, requires_grad=True)
        y = F.dropout(x, p=0.3)
        (y * y).sum().backward()
        results.append((y, x.grad))
    (cy, cg), (dy, dg) = results
    assert dy.is_cuda and dy.dtype == cy.dtype
    device.close(dy, cy, "dropout")
    device.close(dg, cg, "dropout gradient")
    kept = cy.detach().numpy() != 0
    assert 0 < kept.sum() < kept.size  # some dropped, some kept (scaled by 1 / 0.7)
    np.testing.assert_allclose(cy.detach().numpy()[kept], a[kept] / 0.7)
    fg.manual_seed(11)
    z = fg.tensor(a, device="cuda")
    F.dropout(z, p=0.3, inplace=True)
    device.close(z, cy.detach(), "in-place dropout")


def _train(opt_cls: Any, dev: str, steps: int = 4, **options: Any) -> list[fg.Tensor]:
    rng = np.random.default_rng(5)
    w = fg.tensor(rng.standard_normal((4, 3)), device=dev, requires_grad=True)
    b = fg.tensor(rng.standard_normal(3), device=dev, requires_grad=True)
    x = fg.tensor(rng.standard_normal((6, 4)), device=dev)
    opt = opt_cls([w, b], **options)
    for _ in range(steps):
        opt.zero_grad()
        ((x @ w + b).tanh() ** 2).mean().backward()
        opt.step()
    return [w, b]


@pytest.mark.parametrize("opt_cls, options", [
    (fg.optim.SGD, {"lr": 0.1}),
    (fg.optim.SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    (fg.optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (fg.optim.Adam, {"lr": 0.05}),
    (fg.optim.Adam, {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    (fg.optim.AdamW, {"lr": 0.05, "weight_decay": 0.1}),
], ids=["sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "adamw"])
def test_optimizer_steps_on_device_parameters_equal_the_cpu_steps(
        device: Device, opt_cls: Any, options: dict[str, Any]) -> None:
    want = _train(opt_cls, "cpu", **options)
    got = _train(opt_cls, "cuda", **options)
    start = _train(opt_cls, "cpu", steps=0, **options)
    for g, w, s in zip(got, want, start):
        assert g.is_cuda and g.is_leaf and g.requires_grad
        assert not np.allclose(w.detach().numpy(), s.detach().numpy())  # they moved
        device.close(g, w, f"{opt_cls.__name__} parameters")


@pytest.mark.parametrize("make", [
    lambda: fg.optim.adam(lr=0.05), lambda: fg.optim.adamw(lr=0.05, weight_decay=0.1),
    lambda: fg.optim.sgd(lr=0.1, momentum=0.9)], ids=["adam", "adamw", "sgd"])
def test_functional_optimizers_over_a_pytree_of_device_arrays(device: Device, make: Any) -> None:
    rng = np.random.default_rng(6)
    host = {"w": rng.standard_normal((4, 3)), "b": [rng.standard_normal(3)]}
    x, y = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))

    def loss(p: Any, x: Any, y: Any) -> Any:
        return fnp.mean((fnp.tanh(x @ p["w"]) + p["b"][0] - y) ** 2)

    def run(params: Any, x: Any, y: Any) -> Any:
        opt = make()
        state = opt.init(params)
        for _ in range(3):
            params, state = opt.update(fg.grad(loss)(params, x, y), state, params)
        return params

    want = run(host, x, y)
    got = run({"w": device.put(host["w"]), "b": device.put(host["b"])}, device.put(x), device.put(y))
    device.close(got["w"], want["w"], "w")
    device.close(got["b"][0], want["b"][0], "b")
    assert not np.allclose(want["w"], host["w"])


# ---- funcgrad.numpy, custom rules, checkpoint and DLPack on the device ---------------------


def _softmax_classifier_loss(w: Any, b: Any, x: Any, y_onehot: Any) -> Any:
    logits = x @ w + b
    logits = logits - fnp.max(logits, axis=1, keepdims=True)
    logp = logits - fnp.log(fnp.sum(fnp.exp(logits), axis=1, keepdims=True))
    return -fnp.mean(fnp.sum(y_onehot * logp, axis=1)) + 1e-2 * fnp.sum(w ** 2)


def test_numpy_softmax_classifier_loss_and_gradient(device: Device) -> None:
    rng = np.random.default_rng(7)
    w, b, x = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((8, 4))
    y = np.eye(3)[rng.integers(0, 3, 8)]
    want = fg.value_and_grad(_softmax_classifier_loss, argnums=(0, 1))(w, b, x, y)
    got = fg.value_and_grad(_softmax_classifier_loss, argnums=(0, 1))(*device.put((w, b, x, y)))
    device.close(got[0], want[0], "loss")
    device.close(got[1][0], want[1][0], "dw")
    device.close(got[1][1], want[1][1], "db")
    # Against finite differences of the CPU loss (the gradient is not checked against itself).
    eps, dw = 1e-6, np.zeros_like(w)
    for i in np.ndindex(w.shape):
        e = np.zeros_like(w)
        e[i] = eps
        dw[i] = (_softmax_classifier_loss(w + e, b, x, y) - _softmax_classifier_loss(w - e, b, x, y)) / (2 * eps)
    np.testing.assert_allclose(device.get(got[1][0]), dw, rtol=1e-6, atol=1e-8)
    # The Hessian-vector product of the loss runs on the device too.
    v = rng.standard_normal((4, 3))
    hv_want = fg.jvp(fg.grad(_softmax_classifier_loss), (w, b, x, y), (v, 0 * b, 0 * x, 0 * y))[1]
    hv_got = fg.jvp(fg.grad(_softmax_classifier_loss), device.put((w, b, x, y)),
                    device.put((v, 0 * b, 0 * x, 0 * y)))[1]
    device.close(hv_got, hv_want, "hvp")


@pytest.mark.parametrize("what, f", [
    ("einsum", lambda a: fnp.einsum("ij,kj->ik", a, fnp.sin(a)).sum() + fnp.einsum("ii", a[:, :4])),
    ("cumsum", lambda a: (fnp.cumsum(a, axis=1) * fnp.cumprod(fnp.cos(a), axis=0)).sum()),
    ("sort", lambda a: (fnp.sort(a, axis=1) * fnp.cos(a)).sum() + fnp.max(fnp.sort(a, axis=None)[-3:])),
    ("argsort/take", lambda a: fnp.take_along_axis(a, fnp.argsort(a, axis=0), axis=0)[0].sum()),
    ("quantile", lambda a: fnp.quantile(a, 0.3) + fnp.sum(fnp.quantile(a, [0.1, 0.75], axis=1))
        + fnp.median(a)),
    ("nan-quantiles", lambda a: fnp.nanpercentile(fnp.where(a > 1.0, fnp.nan, a), 40.0, axis=0).sum()
        + fnp.nanmedian(fnp.where(a > 1.0, fnp.nan, a))),
    ("weighted quantile", lambda a: fnp.quantile(a, [0.2, 0.6], axis=1, method="inverted_cdf",
                                                 weights=fnp.exp(a)).sum()),
    ("quantile of a traced q", lambda a: fnp.quantile(a, fnp.abs(a[0, 0]) * 0.1 + 0.3,
                                                      method="weibull")),
    ("fft", lambda a: fnp.sum(fnp.abs(fnp.fft.fft(a, axis=1)) ** 2)
        + fnp.real(fnp.fft.ifft(fnp.fft.rfft(a)[:, :2], n=3)).sum()),
    ("fft2/irfft", lambda a: fnp.sum(fnp.fft.irfft(fnp.fft.rfft(a) * 1j, n=5) * a)
        + fnp.sum(fnp.real(fnp.fft.fft2(a)) * a)),
    ("stats", lambda a: fnp.var(a, axis=0).sum() + fnp.std(a) + fnp.mean(fnp.abs(a - fnp.mean(a)))),
    ("where/clip", lambda a: fnp.sum(fnp.where(a > 0, fnp.clip(a, -0.5, 0.5), a ** 3))),
    ("stack/concat", lambda a: fnp.sum(fnp.concatenate([a, fnp.stack([a[0], a[1]])]) ** 2)
        + fnp.sum(fnp.linalg.norm(a, axis=1))),
    ("logsumexp", lambda a: fnp.sum(fnp.logaddexp(a, a.T[:4, :4].sum() * 0.1)) + fnp.prod(a[0])),
])
def test_numpy_functions_on_device_arrays(device: Device, what: str, f: Any) -> None:
    a = np.random.default_rng(8).standard_normal((4, 5))
    want = fg.value_and_grad(f)(a)
    got = fg.value_and_grad(f)(device.put(a))
    device.close(got[0], want[0], f"{what}: value")
    device.close(got[1], want[1], f"{what}: gradient")
    (t_want,), (t_got,) = (fg.jvp(f, (a,), (np.ones_like(a),))[1:],
                           fg.jvp(f, (device.put(a),), (device.put(np.ones_like(a)),))[1:])
    device.close(t_got, t_want, f"{what}: jvp")


def test_checkpoint_custom_rules_and_function_on_the_device(device: Device) -> None:
    @fg.custom_vjp
    def clip_gradient(x: Any) -> Any:
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (fnp.clip(g, -1.0, 1.0),))

    @fg.custom_jvp
    def softplus(x: Any) -> Any:
        return fnp.log1p(fnp.exp(x))

    @softplus.defjvp
    def _(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return softplus(x), t / (1 + fnp.exp(-x))

    class Cube(fg.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 3 * g * x * x

    def block(x: Any) -> Any:
        return fnp.sin(x) * fnp.exp(-x)

    def program(x: Any) -> Any:
        y = fg.checkpoint(block)(x)
        return fnp.sum(clip_gradient(y) * 5.0) + fnp.sum(softplus(x) * x)

    a = np.linspace(-2.0, 2.0, 7)
    want = fg.grad(program)(a)
    got = fg.grad(program)(device.put(a))
    device.close(got, want, "grad through checkpoint and custom rules")
    device.close(fg.jacfwd(lambda x: softplus(x) * x)(device.put(a)),
                 fg.jacfwd(lambda x: softplus(x) * x)(a), "jacfwd through custom_jvp")
    device.close(fg.jacrev(lambda x: clip_gradient(fnp.sin(x)) * 3.0)(device.put(a)),
                 fg.jacrev(lambda x: clip_gradient(fnp.sin(x)) * 3.0)(a), "jacrev through custom_vjp")
    # Analytically: the clipped cotangent (5 -> 1) times block's derivative, plus the
    # derivative of softplus(x) x by its custom rule.
    expected = (np.cos(a) - np.sin(a)) * np.exp(-a) + a / (1 + np.exp(-a)) + np.log1p(np.exp(a))
    device.close(got, expected, "against the analytic gradient")
    # autograd.Function through checkpoint, against the derivative of 2 block(x^3).
    for dev in ("cpu", "cuda"):
        x = fg.tensor(a, device=dev, requires_grad=True)
        y = Cube.apply(x)
        assert y.device.type == dev and type(y.grad_fn).__name__ == "CubeBackward"
        (fg.checkpoint(block)(y) * 2.0).sum().backward()
        x3 = a ** 3
        expected = 2 * (np.cos(x3) - np.sin(x3)) * np.exp(-x3) * 3 * a ** 2
        got_grad = x.grad
        if dev == "cuda":
            device.close(got_grad, expected, "autograd.Function + checkpoint")
        else:
            np.testing.assert_allclose(got_grad.numpy(), expected, rtol=1e-12)
    x = fg.tensor(a, device="cuda", requires_grad=True)
    (gx,) = fg.autograd.grad(Cube.apply(x).sum(), x)
    device.close(gx, 3 * a ** 2, "autograd.grad of a Function")


def test_dlpack_on_the_device(device: Device) -> None:
    raw = device.put(np.arange(6.0).reshape(2, 3))
    t = fg.from_dlpack(raw)
    assert t.is_cuda and t.dtype == fg.float64 and not t.requires_grad
    device.close(t, np.arange(6.0).reshape(2, 3), "from_dlpack")
    raw[0, 0] = 42.0  # one memory
    assert t[0, 0].item() == 42.0
    u = fg.from_dlpack(t)  # a device Tensor through DLPack
    assert u.is_cuda and u[0, 0].item() == 42.0
    assert t.__dlpack_device__() == (2, 0)
    back = device.module.from_dlpack(t)  # the device library reads the Tensor in place
    assert backend.namespace(back) is device.module
    back[1, 2] = -1.0
    assert t[1, 2].item() == -1.0
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient"):
        t.clone().requires_grad_().__dlpack__()


def _set_items(x: fg.Tensor, dev: str) -> fg.Tensor:
    y = x * 1.0
    y[[0, 2]] = 0.0
    y[np.array([1])] = x[3:4] * 2
    y[y < -0.5] = fg.tensor(1.0, dtype=fg.float64, device=dev)
    return y


_B = np.random.default_rng(9).uniform(0.1, 0.9, (4, 5))

_API_CASES: dict[str, Any] = {
    "pad": lambda x, d, F: F.pad(x, (1, 2)),
    "pad reflect": lambda x, d, F: F.pad(x.reshape(1, 4, 5), (1, 2), mode="reflect"),
    "kl_div": lambda x, d, F: F.kl_div(F.log_softmax(x, 1), fg.tensor(_B, device=d), reduction="batchmean"),
    "huber": lambda x, d, F: F.huber_loss(x, fg.tensor(_B, device=d)),
    "smooth_l1": lambda x, d, F: F.smooth_l1_loss(x, fg.tensor(_B, device=d), beta=0.5),
    "l1": lambda x, d, F: F.l1_loss(x, fg.tensor(_B, device=d)),
    "gaussian_nll": lambda x, d, F: F.gaussian_nll_loss(x, fg.tensor(_B, device=d), fg.tensor(_B, device=d)),
    "gaussian_nll, a number as variance": lambda x, d, F: F.gaussian_nll_loss(
        x, fg.tensor(_B, device=d), 0.5, full=True, reduction="sum"),
    "in-place activations": lambda x, d, F: sum(
        f(x * 1.0, inplace=True) for f in (F.relu, F.relu6, F.elu, F.selu, F.celu, F.silu, F.mish,
                                           F.hardtanh, F.hardsigmoid, F.hardswish, F.leaky_relu)),
    "pad modes": lambda x, d, F: (F.pad(x.reshape(1, 4, 5), (2, 1), mode="replicate").sum()
                                  + F.pad(x.reshape(1, 4, 5), (1, 3), mode="circular").sum()
                                  + F.pad(x, (1, 1, 2, 0), value=0.5).sum()),
    "linear without bias, normalize p=1": lambda x, d, F: F.linear(x, x[:3]) + F.normalize(x, p=1.0)[:, :3],
    "one_hot inferred classes": lambda x, d, F: x[:, :3] * F.one_hot(fg.tensor([0, 2, 1, 1], device=d)),
    "cross_entropy none, unbatched": lambda x, d, F: F.cross_entropy(x[0], fg.tensor(3, device=d), reduction="none")
        + F.cross_entropy(x, fg.tensor([1, 1, 0, 4], device=d), reduction="none").sum(),
    "kl_div log_target": lambda x, d, F: F.kl_div(F.log_softmax(x, 1), F.log_softmax(x * 0.5, 1),
                                                 reduction="sum", log_target=True),
    "bce with logits, weight": lambda x, d, F: F.binary_cross_entropy_with_logits(
        x, fg.tensor(_B, device=d), weight=fg.tensor(_B[0], device=d), reduction="none"),
    "softplus beta, threshold": lambda x, d, F: F.softplus(x * 10, beta=2.0, threshold=5.0),
    "bce weight": lambda x, d, F: F.binary_cross_entropy(x.sigmoid(), fg.tensor(_B, device=d),
                                                          weight=fg.tensor(_B, device=d)),
    "softmax dtype": lambda x, d, F: F.softmax(x, 1, dtype=fg.float32),
    "activations": lambda x, d, F: (F.selu(x) + F.celu(x) + F.mish(x) + F.hardswish(x)
                                    + F.hardsigmoid(x) + F.softsign(x) + F.relu6(x)),
    "inplace relu": lambda x, d, F: F.relu(x * 1.0, inplace=True),
    "cross_entropy ignore_index": lambda x, d, F: F.cross_entropy(x, fg.tensor([0, -100, 2, 1], device=d)),
    "cross_entropy 3-d": lambda x, d, F: F.cross_entropy(
        x.reshape(2, 2, 5), fg.tensor([[0, 1, 1, 0, 1], [1, 1, 0, 0, 0]], device=d)),
    "nll_loss unbatched": lambda x, d, F: F.nll_loss(x[0], fg.tensor(2, device=d)),
    "cat/stack": lambda x, d, F: fg.cat([x, x * 2]).sum() + fg.stack([x, x]).mean(),
    "where": lambda x, d, F: fg.where(x > 0, x, x * 0.1),
    "max/min over dim": lambda x, d, F: x.max(1).values + x.min(1)[0] + x.argmax(1) + x.argmin(0).sum(),
    "list and array keys": lambda x, d, F: x[[0, 2]].sum() + x[:, [1, 1]].sum() + x[np.array([1, 3])].sum(),
    "setitem": lambda x, d, F: _set_items(x, d),
    "squeeze/permute/view": lambda x, d, F: x.unsqueeze(0).permute(2, 1, 0).contiguous().view(-1),
    "mean dtype, var correction": lambda x, d, F: x.var(1, correction=0) + x.std(0).sum() + x.mean(dtype=fg.float64),
    "copy_ and clone": lambda x, d, F: fg.zeros(4, 5, dtype=fg.float64, device=d).copy_(x) * x.clone(),
    "type_as/expand_as": lambda x, d, F: x.type_as(x) * fg.ones(5, device=d).expand_as(x),
    "norm p": lambda x, d, F: x.norm(p=3, dim=1),
    "softmax functions": lambda x, d, F: fg.softmax(x, 1) + fg.log_softmax(x, 0),
    "cumprod/logsumexp": lambda x, d, F: x.cumprod(1) + x.logsumexp(0),
    "dot/mm/matmul": lambda x, d, F: x[0].dot(x[1]) + x.mm(x.T).sum() + fg.matmul(x, x[0]).sum(),
    "complex": lambda x, d, F: (x * (1 + 2j)).abs() + (x * 1j).exp().real + (x + 1j).angle(),
    "pow/square/reciprocal": lambda x, d, F: x.square() + x.pow(3) + (x.abs() + 1).reciprocal() + 2.0 ** x,
    "round/floor/ceil/sign": lambda x, d, F: x * (x.round() + x.floor() + x.ceil() + x.sign()),
    "comparisons": lambda x, d, F: x * ((x > 0) & (x.abs() <= 1)) + x * x.isfinite(),
}


@pytest.mark.parametrize("what", sorted(_API_CASES))
def test_tensor_and_functional_api_on_the_device(device: Device, what: str) -> None:
    import funcgrad.nn.functional as F

    a = np.random.default_rng(10).standard_normal((4, 5))
    results = []
    for dev in ("cpu", "cuda"):
        x = fg.tensor(a, device=dev, requires_grad=True)
        out = _API_CASES[what](x, dev, F)
        assert out.device.type == dev, what
        total = out.sum() if out.dtype.is_floating_point or out.dtype.is_complex else out.float().sum()
        (total.real if total.dtype.is_complex else total).backward()
        results.append((out, x.grad))
    (c_out, c_grad), (d_out, d_grad) = results
    assert d_out.dtype == c_out.dtype and d_out.shape == c_out.shape
    device.close(d_out.detach(), c_out.detach(), f"{what}: value")
    device.close(d_grad, c_grad, f"{what}: gradient")


def test_autograd_tools_on_the_device(device: Device) -> None:
    from funcgrad.autograd import functional as AF

    a = np.array([0.5, -1.0, 2.0])

    def leaf() -> fg.Tensor:
        return fg.tensor(a, device="cuda", requires_grad=True)

    assert fg.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (leaf(),))
    assert fg.autograd.gradgradcheck(lambda t: t.sin() * t, (leaf(),))
    # A wrong rule is caught on the device too.
    assert not fg.autograd.gradcheck(lambda t: fg.checkpoint(lambda u: u * 2.0)(t) + _WrongSquare.apply(t),
                                     (leaf(),), raise_exception=False)
    with fg.autograd.detect_anomaly():
        x = leaf()
        (x.sin() * 2).sum().backward()
    device.close(x.grad, 2 * np.cos(a), "gradient under detect_anomaly")
    with fg.autograd.detect_anomaly(), pytest.raises(RuntimeError, match="'SqrtBackward0' returned inf"):
        x = leaf()
        (x - x.detach()).sqrt().sum().backward()  # sqrt'(0) = inf
    f = lambda t: t.sin() * t  # noqa: E731
    device.close(AF.jacobian(f, leaf()), np.diag(np.cos(a) * a + np.sin(a)), "autograd.functional.jacobian")
    device.close(AF.hessian(lambda t: f(t).sum(), leaf()), np.diag(2 * np.cos(a) - a * np.sin(a)), "hessian")
    device.close(AF.hvp(lambda t: f(t).sum(), leaf(), fg.ones(3, dtype=fg.float64, device="cuda"))[1],
                 2 * np.cos(a) - a * np.sin(a), "hvp")
    # Tensor.data accepts device arrays; integer division by a device array gives floats.
    x = leaf()
    x.data = device.put(np.ones(3))
    device.close(x, np.ones(3), "data setter")
    device.close(fg.tensor([1, 2], device="cuda") / device.put(np.array([2, 4])), np.array([0.5, 0.5]),
                 "true division of integers")


class _WrongSquare(fg.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * x  # should be 2 g x


def test_jacobians_through_known_diagonal_products_on_the_device(device: Device) -> None:
    rng = np.random.default_rng(14)
    w, v = rng.standard_normal((3, 3)), rng.standard_normal(3)

    def f(x: Any, w: Any) -> Any:
        return fnp.tanh(w @ x) * x + 2.0 * x - x * w[0]

    for transform in (fg.jacrev, fg.jacfwd):
        want = transform(f)(v, w)
        got = transform(f)(*device.put((v, w)))
        device.close(got, want, transform.__name__)
    want = fg.hessian(lambda x, w: fnp.sum(f(x, w) ** 2))(v, w)
    got = fg.hessian(lambda x, w: fnp.sum(f(x, w) ** 2))(*device.put((v, w)))
    device.close(got, want, "hessian")


_TA = np.random.default_rng(15).standard_normal((3, 4))
_TV = np.random.default_rng(16).standard_normal(4)


def _pytree_f(p: Any) -> Any:
    return {"y": fnp.tanh(p["A"] @ p["v"]), "z": fnp.sum(p["v"] ** 2)}


# Each takes ``put`` (host arrays to where the case runs) and returns a pytree of results.
_TRANSFORM_CASES: dict[str, Any] = {
    "jacrev of a pytree": lambda P: fg.jacrev(_pytree_f)({"A": P(_TA), "v": P(_TV)}),
    "jacfwd of a pytree": lambda P: fg.jacfwd(_pytree_f)({"A": P(_TA), "v": P(_TV)}),
    "jacrev has_aux, argnums": lambda P: fg.jacrev(lambda a, b: (fnp.sin(a @ b), fnp.sum(b)),
                                                   argnums=(0, 1), has_aux=True)(P(_TA), P(_TV)),
    "value_and_grad has_aux": lambda P: fg.value_and_grad(
        lambda a, b: (fnp.sum(fnp.sin(a @ b)), a[0]), argnums=1, has_aux=True)(P(_TA), P(_TV)),
    "linearize": lambda P: fg.linearize(lambda b: fnp.sin(P(_TA) @ b), P(_TV))[1](P(np.ones(4))),
    "hvp": lambda P: fg.hvp(lambda b: fnp.sum(fnp.sin(P(_TA) @ b) ** 2), (P(_TV),), (P(np.ones(4)),)),
    "vjp of a pair": lambda P: fg.vjp(lambda b: (fnp.sin(b), fnp.cos(b)), P(_TV))[1](
        (P(np.ones(4)), P(np.arange(4.0)))),
    "jvp of Tensors": lambda P: fg.jvp(lambda b: fnp.sin(b) * 2, (fg.tensor(P(_TV)),), (fg.tensor(P(np.ones(4))),)),
    "grad through complex": lambda P: fg.grad(lambda b: fnp.sum(fnp.real(fnp.exp(1j * b) * b)))(P(_TV)),
    "jacfwd of jacrev": lambda P: fg.jacfwd(fg.jacrev(lambda b: fnp.sum(fnp.sin(b) ** 3)))(P(_TV)),
    "grad of grad": lambda P: fg.grad(lambda b: fnp.sum(fg.grad(lambda c: fnp.sum(fnp.sin(c) * b))(b)))(P(_TV)),
    "stop_gradient": lambda P: fg.grad(lambda b: fnp.sum(fg.stop_gradient(b) * b))(P(_TV)),
    "float32": lambda P: fg.grad(lambda b: fnp.sum(fnp.sin(b)))(P(_TV.astype(np.float32))),
    "0-d input": lambda P: fg.grad(lambda b: fnp.sin(b) * b)(P(np.array(0.7))),
    "jacrev chunk_size": lambda P: fg.jacrev(lambda b: fnp.sin(P(_TA) @ b), chunk_size=2)(P(_TV)),
    "jacfwd chunk_size": lambda P: fg.jacfwd(lambda b: fnp.sin(P(_TA) @ b), chunk_size=3)(P(_TV)),
    "jacrev holomorphic": lambda P: fg.jacrev(lambda b: fnp.exp(b) * b, holomorphic=True)(P(_TV + 1j * _TV[::-1])),
    "jacfwd holomorphic": lambda P: fg.jacfwd(lambda b: fnp.exp(b) * b, holomorphic=True)(P(_TV + 1j * _TV[::-1])),
}


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, dict):
        return [x for k in sorted(tree) for x in _leaves(tree[k])]
    if isinstance(tree, (tuple, list)):
        return [x for t in tree for x in _leaves(t)]
    return [tree]


@pytest.mark.parametrize("what", sorted(_TRANSFORM_CASES))
def test_transform_options_on_the_device(device: Device, what: str) -> None:
    want = _leaves(_TRANSFORM_CASES[what](lambda a: a))
    got = _leaves(_TRANSFORM_CASES[what](device.put))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, (int, float)):  # a Python number from a Python-number input
            assert g == pytest.approx(w, rel=device.rtol), what
        else:
            device.close(g, w, what)


# ---- every funcgrad.numpy function that takes one or two plain arrays --------------------

_SWEEP_A = np.random.default_rng(12).uniform(0.1, 0.9, (4, 5))
_SWEEP_B = np.random.default_rng(13).uniform(0.1, 0.9, (4, 5))
_SWEEP_ARGS: tuple[tuple[Any, ...], ...] = ((_SWEEP_A,), (_SWEEP_A, _SWEEP_B), (_SWEEP_A, 1), (_SWEEP_A, 0.5))


def _host_value(v: Any) -> Any:
    if isinstance(v, fg.Tensor):
        v = v._data
    if isinstance(v, (tuple, list)):
        return [_host_value(u) for u in v]
    return v


def _sweep_cases() -> list[Any]:
    """(name, arguments) for each function that the CPU runs on one of the argument lists
    (NumPy's scalar types, which it re-exports, are not functions of arrays)."""
    import warnings

    cases = []
    for name in sorted(n for n in dir(fnp) if not n.startswith("_")):
        f = getattr(fnp, name)
        if not callable(f) or isinstance(f, type):
            continue
        for k, args in enumerate(_SWEEP_ARGS):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = _host_value(f(*args))
            except Exception:  # noqa: BLE001 - not a signature for these arguments
                continue
            leaves = out if isinstance(out, list) else [out]
            if all(isinstance(v, (np.ndarray, np.generic, int, float, bool)) for v in leaves):
                cases.append(pytest.param(name, k, id=name))
            break
    return cases


@pytest.mark.parametrize("name, k", _sweep_cases())
def test_every_numpy_function_of_plain_arrays_on_the_device(device: Device, name: str, k: int) -> None:
    import warnings

    f = getattr(fnp, name)
    args = _SWEEP_ARGS[k]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = f(*args)
        try:
            got = f(*device.put(args))
        except TypeError as e:
            # Plain arrays go to NumPy's own function, which hands CuPy's arrays to CuPy: a
            # function CuPy lacks is CuPy's gap, not funcgrad's (the fake has them all).
            if device.name == "cuda" and "no implementation found" in str(e):
                pytest.skip(f"CuPy does not implement numpy.{name}")
            raise
    wants, gots = (want, got) if isinstance(want, (tuple, list)) else ((want,), (got,))
    assert len(gots) == len(wants)
    for w, g in zip(wants, gots):
        w = _host_value(w)
        if isinstance(w, np.ndarray):  # arrays in, arrays out on the device (scalars may be 0-d)
            device.close(g, w, f"{name}: value")
        elif isinstance(g, (fg.Tensor,)) or backend.is_cuda_array(g):
            device.close(g, np.asarray(w), f"{name}: value")
        else:
            assert g == w, name

    def total(x: Any, *rest: Any) -> Any:
        out = f(x, *rest)
        if isinstance(out, (tuple, list)):
            out = out[0]
        if getattr(getattr(out, "dtype", None), "kind", "") not in ("f", "c"):
            return fnp.sum(x * 0.0)
        return fnp.sum(fnp.real(out))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            g_want = fg.grad(total)(*args)
        except Exception:  # noqa: BLE001 - not differentiable on the CPU either
            return
        g_got = fg.grad(total)(*device.put(args))
    device.close(g_got, g_want, f"{name}: gradient")

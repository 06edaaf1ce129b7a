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

import _fake_cupy
import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import backend
from funcgrad.ops import REGISTRY
from funcgrad.tensor import _from_array
from funcgrad.testing import _sample_args


class Device:
    """A device under test: how to put arrays there and how closely results must agree."""

    def __init__(self, name: str, module: Any, rtol: float) -> None:
        self.name, self.module, self.rtol = name, module, rtol

    def put(self, value: Any) -> Any:
        """NumPy arrays (also inside tuples and lists) moved to the device; the rest as is."""
        if isinstance(value, np.ndarray):
            return self.module.asarray(value)
        if isinstance(value, tuple):
            return tuple(self.put(v) for v in value)
        if isinstance(value, list):
            return [self.put(v) for v in value]
        return value

    def get(self, value: Any) -> Any:
        if isinstance(value, fg.Tensor):
            value = value._data
        assert backend.namespace(value) is self.module, (
            f"expected a device array, got {type(value).__name__}")
        return value.get()

    def close(self, got: Any, want: Any, what: str) -> None:
        want = np.asarray(want._data if isinstance(want, fg.Tensor) else want)
        np.testing.assert_allclose(self.get(got), want, rtol=self.rtol, atol=self.rtol * 1e-3,
                                   err_msg=what)


@pytest.fixture(params=["fake-cuda", "cuda"])
def device(request: pytest.FixtureRequest) -> Any:
    if request.param == "cuda":
        if not fg.cuda.is_available():
            pytest.skip("no CUDA device here (needs CuPy and an NVIDIA GPU)")
        yield Device("cuda", backend.cuda_module(), rtol=1e-5)
        return
    with _fake_cupy.installed() as module:
        yield Device("fake-cuda", module, rtol=1e-12)


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

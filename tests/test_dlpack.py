"""DLPack interchange: zero-copy in both directions, PyTorch's refusals, clear errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import funcgrad as fg


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.int64, np.int32, np.uint8])
def test_from_numpy_shares_memory(dtype):
    a = np.arange(6).reshape(2, 3).astype(dtype)
    t = fg.from_dlpack(a)
    assert isinstance(t, fg.Tensor) and t.shape == (2, 3) and t.dtype == dtype
    assert not t.requires_grad and t.grad_fn is None
    a[1, 2] = 42
    assert t[1, 2].item() == 42


def test_to_numpy_shares_memory_both_ways():
    t = fg.zeros(2, 3)
    a = np.from_dlpack(t)
    assert a.dtype == np.float32 and a.shape == (2, 3)
    a[0, 1] = 5.0
    assert t[0, 1].item() == 5.0
    t.add_(1.0)
    assert a[0, 1] == 6.0 and a[1, 2] == 1.0


def test_strided_views_keep_their_layout():
    base = np.arange(24.0).reshape(4, 6)
    view = base[::2, ::-3]
    t = fg.from_dlpack(view)
    np.testing.assert_array_equal(t.numpy(), view)
    back = np.from_dlpack(fg.tensor(base).t())
    np.testing.assert_array_equal(back, base.T)


def test_zero_dim_result_exports_as_an_array():
    x = fg.tensor([1.0, 2.0, 3.0], dtype=fg.float64)
    s = x.sum()  # 0-d results are held as NumPy scalars internally
    a = np.from_dlpack(s)
    assert a.shape == () and a == 6.0


def test_round_trip_through_funcgrad_keeps_memory():
    a = np.ones(4)
    t2 = fg.from_dlpack(fg.from_dlpack(a))
    a[:] = 3.0
    assert t2.sum().item() == 12.0


def test_imported_tensor_is_differentiable_afterwards():
    a = np.array([1.0, 2.0, 3.0])
    x = fg.from_dlpack(a).requires_grad_()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * a)


def test_requires_grad_tensor_refuses_export_as_pytorch():
    x = fg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient, use tensor.detach()"):
        np.from_dlpack(x)
    np.testing.assert_array_equal(np.from_dlpack(x.detach()), np.ones(3, np.float32))


def test_dlpack_device_is_cpu():
    assert fg.ones(2).__dlpack_device__() == (1, 0)


def test_bad_inputs_name_what_is_wrong():
    with pytest.raises(TypeError, match="expects an object with __dlpack__ and __dlpack_device__, got list"):
        fg.from_dlpack([1.0, 2.0])
    capsule = np.ones(2).__dlpack__()
    with pytest.raises(TypeError, match="bare DLPack capsule"):
        fg.from_dlpack(capsule)

    class OnRocm:
        def __dlpack__(self, **kwargs):
            raise AssertionError("must not be asked for memory")

        def __dlpack_device__(self):
            return (10, 0)

    with pytest.raises(RuntimeError, match="kDLROCM"):
        fg.from_dlpack(OnRocm())


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
def test_pytorch_round_trip_is_zero_copy():
    import torch

    tt = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    t = fg.from_dlpack(tt)
    tt[0, 0] = 9.0
    assert t[0, 0].item() == 9.0
    f = fg.ones(2, 2)
    back = torch.from_dlpack(f)
    f.mul_(3.0)
    assert back.dtype == torch.float32 and back[1, 1].item() == 3.0

"""funcgrad.cuda answers cleanly whether or not CuPy and a GPU are there."""

from __future__ import annotations

import types

import pytest

import funcgrad as fg
import funcgrad.cuda as fcuda


@pytest.fixture
def fake_cupy(monkeypatch):
    """Install a stand-in for the cupy module whose runtime behaves as told."""

    def install(count_or_error):
        def get_device_count():
            if isinstance(count_or_error, Exception):
                raise count_or_error
            return count_or_error

        runtime = types.SimpleNamespace(getDeviceCount=get_device_count, getDevice=lambda: 0)
        module = types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime))
        monkeypatch.setattr(fcuda, "_cupy", lambda: module)
        fcuda.device_count.cache_clear()
        return module

    yield install
    fcuda.device_count.cache_clear()


def test_without_cupy_nothing_is_available(monkeypatch):
    monkeypatch.setattr(fcuda, "_cupy", lambda: None)
    fcuda.device_count.cache_clear()
    try:
        assert fcuda.device_count() == 0 and fcuda.is_available() is False
        for call in (fcuda.synchronize, fcuda.current_device, fcuda.get_device_name):
            with pytest.raises(RuntimeError, match=r"CUDA is not available \(CuPy is not installed: pip install funcgrad\[gpu\]\)"):
                call()
    finally:
        fcuda.device_count.cache_clear()


def test_cupy_without_a_driver_is_not_available(fake_cupy):
    fake_cupy(RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected"))
    assert fcuda.is_available() is False
    with pytest.raises(RuntimeError, match="CuPy sees no CUDA device"):
        fcuda.synchronize()


def test_cupy_with_devices_is_available(fake_cupy):
    fake_cupy(2)
    assert fcuda.is_available() is True and fcuda.device_count() == 2
    assert fcuda.current_device() == 0


def test_module_is_reachable_as_an_attribute():
    assert fg.cuda is fcuda
    assert isinstance(fg.cuda.is_available(), bool)


@pytest.mark.skipif(fcuda.is_available(), reason="this machine has a GPU: the refusal is for CPU-only machines")
def test_cuda_device_refused_clearly_without_a_gpu():
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        fg.ones(2, device="cuda")
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        fg.ones(2).cuda()


def test_device_arguments_name_the_index(fake_cupy):
    module = fake_cupy(2)
    seen = []
    module.cuda.Device = lambda index: types.SimpleNamespace(synchronize=lambda: seen.append(index))
    module.cuda.runtime.getDeviceProperties = lambda index: {"name": f"GPU {index}".encode()}
    fcuda.synchronize()
    fcuda.synchronize(1)
    fcuda.synchronize("cuda:1")
    fcuda.synchronize(fg.device("cuda"))
    assert seen == [0, 1, 1, 0]
    assert fcuda.get_device_name() == "GPU 0" and fcuda.get_device_name("cuda:1") == "GPU 1"

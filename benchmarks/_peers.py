"""The peers funcgrad is measured beside, when installed, and a description of the machine.

PyTorch runs eagerly on one CPU thread (``torch.set_num_threads(1)``); JAX runs on the CPU
with 64-bit types enabled (the float64 workloads need them; float32 inputs stay float32).
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

PEERS = ("torch", "autograd", "mygrad", "jax")


def load_peers(names=PEERS):
    """Import the installed peers: ``(modules, notes)``; a missing one becomes a note."""
    modules, notes = {}, []
    for name in names:
        try:
            modules[name] = _LOADERS[name]()
        except ImportError as exc:
            notes.append(f"{_LABEL[name]} not installed ({exc.name or name}): left out")
        except Exception as exc:   # noqa: BLE001 - a broken install is a note, not a crash
            notes.append(f"{_LABEL[name]} failed to load ({type(exc).__name__}: {exc}): left out")
    return modules, notes


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _jax():
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _autograd():
    import autograd

    return autograd


def _mygrad():
    import mygrad

    return mygrad


_LOADERS = {"torch": _torch, "jax": _jax, "autograd": _autograd, "mygrad": _mygrad}
_LABEL = {"torch": "PyTorch", "jax": "JAX", "autograd": "HIPS autograd", "mygrad": "MyGrad"}


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:   # noqa: BLE001 - older NumPy: no dict mode
        return "unknown"


def _git_revision():
    root = Path(__file__).resolve().parents[1]
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                             capture_output=True, text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "funcgrad"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (rev + (" + uncommitted changes under funcgrad/" if dirty else "")) or None


def describe_machine(peers):
    """What a reader needs to compare numbers: CPU, cores, versions, threads."""
    import funcgrad

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {"Python": platform.python_version(), "NumPy": np.__version__,
                "funcgrad": getattr(funcgrad, "__version__", "?")}
    for name, dist in (("torch", "torch"), ("jax", "jax"), ("autograd", "autograd"),
                       ("mygrad", "mygrad")):
        if name in peers:
            versions[_LABEL[name]] = _version(dist) or getattr(peers[name], "__version__", "?")
    if "jax" in peers:
        versions["jaxlib"] = _version("jaxlib") or "?"
    threads = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                          "MKL_NUM_THREADS", "XLA_FLAGS") if k in os.environ}
    if "torch" in peers:
        threads["torch.get_num_threads()"] = peers["torch"].get_num_threads()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "blas": _blas(),
        "versions": versions,
        "funcgrad_revision": _git_revision(),
        "thread_settings": threads or "defaults (NumPy's BLAS uses all cores; "
                                      "PyTorch set to 1 thread)",
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "argv": " ".join(["python"] + sys.argv),
    }

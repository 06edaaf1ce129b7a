"""The tape: Nodes, grad modes and the backward engine, with PyTorch's entry points.

Examples
--------
>>> import funcgrad as fg
>>> x = fg.tensor([1.0, 2.0], requires_grad=True)
>>> fg.autograd.grad((x ** 2).sum(), x)
(tensor([2., 4.]),)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..creation import Variable
from ._gradcheck import GradcheckError, gradcheck, gradgradcheck
from .anomaly_mode import (
    detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly,
)
from .engine import backward, grad
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .node import AccumulateGrad, Node

if TYPE_CHECKING:  # loaded lazily at run time (see __getattr__); typed as the module it is
    from . import functional as functional

__all__ = [
    "AccumulateGrad", "Function", "FunctionCtx", "GradcheckError", "Node", "Variable",
    "detect_anomaly", "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "set_detect_anomaly",
    "backward", "enable_grad", "functional", "grad", "gradcheck", "gradgradcheck",
    "is_grad_enabled", "no_grad", "set_grad_enabled",
]


def __getattr__(name: str) -> Any:
    # functional builds on the transforms, which import this package: load it on first use.
    if name == "functional":
        import importlib

        return importlib.import_module(".functional", __name__)
    raise AttributeError(f"module 'funcgrad.autograd' has no attribute {name!r}")

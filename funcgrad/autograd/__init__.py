"""The tape: Nodes, grad modes and the backward engine, with PyTorch's entry points.

Examples
--------
>>> import funcgrad as fg
>>> x = fg.tensor([1.0, 2.0], requires_grad=True)
>>> fg.autograd.grad((x ** 2).sum(), x)
(tensor([2., 4.]),)
"""

from .engine import backward, grad
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .node import AccumulateGrad, Node

# Variable is defined with the creation functions (it builds a Tensor); imported lazily to
# keep this package importable before funcgrad.tensor.


def __getattr__(name):
    if name == "Variable":
        from ..creation import Variable

        return Variable
    if name in ("Function", "FunctionCtx"):
        from . import function

        return getattr(function, name)
    raise AttributeError(f"module 'funcgrad.autograd' has no attribute {name!r}")


__all__ = [
    "AccumulateGrad", "Node", "Variable", "backward", "enable_grad", "grad", "is_grad_enabled",
    "no_grad", "set_grad_enabled",
]

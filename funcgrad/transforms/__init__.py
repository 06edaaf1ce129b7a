"""JAX-style function transforms over funcgrad's tape.

``grad``, ``value_and_grad``, ``vjp`` and ``jacrev`` run the tape backward; ``jvp`` and
``jacfwd`` push tangents forward through the primitives' JVP rules; ``hessian`` is forward
over reverse. They nest to any order and compose with ``Tensor.backward``.
"""

from __future__ import annotations

from .checkpoint import checkpoint
from .custom import custom_jvp, custom_vjp, stop_gradient
from .forward import hessian, hvp, jacfwd, jvp, linearize
from .reverse import grad, jacobian, jacrev, value_and_grad, vjp

__all__ = ["checkpoint", "custom_jvp", "custom_vjp", "stop_gradient", "grad", "hessian", "hvp", "jacfwd", "jacobian", "jacrev", "jvp", "linearize",
           "value_and_grad", "vjp"]

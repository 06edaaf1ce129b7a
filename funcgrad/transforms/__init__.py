"""JAX-style function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, ...).

They arrive with the transforms issue; they will drive the same engine that
``Tensor.backward`` uses (``funcgrad.autograd.engine``).
"""

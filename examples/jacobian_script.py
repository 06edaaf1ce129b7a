"""Jacobians and Hessians of a small model, the way a script would ask for them.

The model is a two-layer network ``y = W2 tanh(W1 x + b1) + b2`` with 3 inputs and 2
outputs, written with ``funcgrad.numpy`` exactly as one would write it with NumPy.
The script prints:

- the 2x3 Jacobian dy/dx, by reverse mode (one backward pass) and by forward mode (one
  forward pass), checked against each other and against the closed form;
- the 3x3 Hessian of a scalar loss with respect to the input, forward over reverse, checked
  against finite differences of the gradient;
- a Hessian-vector product, without forming the Hessian.

Run it from the repository root: ``python examples/jacobian_script.py``
"""

import numpy as np

import funcgrad as fg
import funcgrad.numpy as fnp

rng = np.random.default_rng(0)
W1, b1 = rng.standard_normal((4, 3)), rng.standard_normal(4)
W2, b2 = rng.standard_normal((2, 4)), rng.standard_normal(2)


def model(x):
    return W2 @ fnp.tanh(W1 @ x + b1) + b2


def loss(x):
    return fnp.sum(model(x) ** 2) / 2


def main():
    np.set_printoptions(precision=4, suppress=True)
    x = np.array([0.5, -1.0, 2.0])

    print("model output y(x):", model(x))

    jac_rev = fg.jacrev(model)(x)
    jac_fwd = fg.jacfwd(model)(x)
    t = np.tanh(W1 @ x + b1)
    jac_exact = W2 @ ((1 - t * t)[:, None] * W1)
    print("\nJacobian dy/dx (jacrev), shape", jac_rev.shape)
    print(jac_rev)
    print("jacfwd agrees:", np.allclose(jac_rev, jac_fwd), "| closed form agrees:", np.allclose(jac_rev, jac_exact))

    hess = fg.hessian(loss)(x)
    grad_loss = fg.grad(loss)
    eps = 1e-6
    hess_fd = np.stack([(grad_loss(x + eps * e) - grad_loss(x - eps * e)) / (2 * eps) for e in np.eye(3)], axis=1)
    print("\nHessian of the loss (forward over reverse), shape", hess.shape)
    print(hess)
    print("symmetric:", np.allclose(hess, hess.T), "| finite differences agree:", np.allclose(hess, hess_fd, atol=1e-5))

    v = np.array([1.0, 0.0, 0.0])
    print("\nHessian-vector product H v for v =", v, "->", fg.hvp(loss, (x,), (v,)))


if __name__ == "__main__":
    main()

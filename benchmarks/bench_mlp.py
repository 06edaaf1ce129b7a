"""Neural-network workloads: an MLP gradient step, a small-batch training loop, peak memory.

- ``mlp``: one gradient of a 784-512-10 MLP (tanh hidden layer, softmax cross-entropy) on a
  batch of 256, float32; funcgrad both through the Tensor (``loss.backward()``) and through
  ``fg.value_and_grad`` over a dict of parameters, against a hand-written NumPy forward and
  backward pass.
- ``training``: 1,000 SGD steps of a 64-64-1 MLP (tanh, mean squared error) on batches of
  32, float32: forward, backward, and an update under ``no_grad``; per-op overhead
  dominates.
- ``memory``: peak memory of one forward and backward pass of the ``mlp`` model, through
  tracemalloc (NumPy reports its buffers to it).

Run: ``python benchmarks/bench_mlp.py`` (the suite's options apply).
"""

from __future__ import annotations

import numpy as np

# the harness first: it finds funcgrad in this clone when funcgrad is not installed
from _harness import (  # isort: skip
    FUNCGRAD, LIMIT, REFERENCE, Bar, Built, Case, Peers, Workload, check_close, guarded,
)

import funcgrad as fg
import funcgrad.numpy as fnp


NUMPY, TENSOR, GRAD = "hand-written NumPy", "funcgrad Tensor.backward", "funcgrad fg.value_and_grad"
KEYS = ("W1", "b1", "W2", "b2")

# ----------------------------------------------------------------------------- the MLP


def mlp_problem(n=256, d=784, h=512, c=10, seed=0):
    """Parameters (dict of float32 arrays), inputs, and one-hot targets."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": (rng.standard_normal((d, h)) / np.sqrt(d)).astype(np.float32),
        "b1": (0.1 * rng.standard_normal(h)).astype(np.float32),
        "W2": (rng.standard_normal((h, c)) / np.sqrt(h)).astype(np.float32),
        "b2": (0.1 * rng.standard_normal(c)).astype(np.float32),
    }
    X = rng.standard_normal((n, d)).astype(np.float32)
    Y = np.zeros((n, c), dtype=np.float32)
    Y[np.arange(n), rng.integers(0, c, n)] = 1
    return params, X, Y


def mlp_numpy(P, X, Y):
    """Hand-written forward and backward pass: (loss, grads)."""
    n = X.shape[0]
    h = np.tanh(X @ P["W1"] + P["b1"])
    z = h @ P["W2"] + P["b2"]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = -np.sum((z - np.log(s)) * Y) / n
    dz = (e / s - Y) / n
    dh = dz @ P["W2"].T
    da = dh * (1 - h * h)
    return loss, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dz, "b2": dz.sum(axis=0)}


def mlp_loss(P, X, Y):
    """The loss in funcgrad.numpy, for fg.value_and_grad."""
    h = fnp.tanh(X @ P["W1"] + P["b1"])
    z = h @ P["W2"] + P["b2"]
    return -fnp.sum(fg.log_softmax(z, 1) * Y) / X.shape[0]


def _funcgrad_mlp_cases(P, X, Y):
    """(Tensor step, value_and_grad step); each returns (loss, grads dict)."""
    T = {k: fg.tensor(v, requires_grad=True) for k, v in P.items()}
    Xt, Yt = fg.from_numpy(X), fg.from_numpy(Y)
    n = X.shape[0]

    def clear():
        for p in T.values():
            p.grad = None

    def tensor_step(_=None):
        clear()
        h = fg.tanh(Xt @ T["W1"] + T["b1"])
        z = h @ T["W2"] + T["b2"]
        loss = -(fg.log_softmax(z, dim=1) * Yt).sum() / n
        loss.backward()
        return loss, {k: p.grad for k, p in T.items()}

    vg = fg.value_and_grad(mlp_loss)

    def grad_step(_=None):
        return vg(P, X, Y)

    return tensor_step, grad_step, clear


def _autograd_mlp_cases(autograd, P, X, Y, want, tol):
    """HIPS autograd's value_and_grad of the MLP loss (workloads mlp and memory)."""
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp

    def loss(P, X, Y):
        h = anp.tanh(X @ P["W1"] + P["b1"])
        z = h @ P["W2"] + P["b2"]
        return -anp.sum((z - logsumexp(z, axis=1, keepdims=True)) * Y) / X.shape[0]

    vg = autograd.value_and_grad(loss)
    check_close("HIPS autograd", vg(P, X, Y), want, **tol)
    return [Case("HIPS autograd", lambda: vg(P, X, Y))]


def build_mlp(cfg):
    sizes = dict(n=256, d=784, h=512, c=10)   # --quick too: the bar is about this size
    P, X, Y = mlp_problem(**sizes)
    want = mlp_numpy(P, X, Y)
    tol = dict(rtol=2e-4, atol=1e-6)
    built = Built(cases=[Case(NUMPY, lambda: mlp_numpy(P, X, Y), LIMIT)], baseline=NUMPY,
                  repeat=5 if cfg.quick else 21,
                  title="MLP gradient step (batch {n}, {d}-{h}-{c}, float32)".format(**sizes))

    def funcgrad_cases():
        tensor_step, grad_step, _ = _funcgrad_mlp_cases(P, X, Y)
        check_close(TENSOR, tensor_step(), want, **tol)
        check_close(GRAD, grad_step(), want, **tol)
        return tensor_step, grad_step

    try:
        tensor_step, grad_step = funcgrad_cases()
        built.cases += [Case(TENSOR, tensor_step, FUNCGRAD), Case(GRAD, grad_step, FUNCGRAD)]
    except Exception as exc:   # noqa: BLE001
        built.failed[TENSOR] = built.failed[GRAD] = f"{type(exc).__name__}: {exc}"
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        F = torch.nn.functional
        T = {k: torch.tensor(v, requires_grad=True) for k, v in P.items()}
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

        def step():
            for p in T.values():
                p.grad = None
            h = torch.tanh(Xt @ T["W1"] + T["b1"])
            z = h @ T["W2"] + T["b2"]
            loss = -(F.log_softmax(z, dim=1) * Yt).sum() / X.shape[0]
            loss.backward()
            return loss, {k: p.grad for k, p in T.items()}

        check_close("PyTorch", step(), want, **tol)
        return [Case("PyTorch eager", step)]

    def autograd_cases(autograd):
        return _autograd_mlp_cases(autograd, P, X, Y, want, tol)

    def mygrad_cases(mg):
        T = {k: mg.tensor(v) for k, v in P.items()}

        def step():
            h = mg.tanh(X @ T["W1"] + T["b1"])
            z = h @ T["W2"] + T["b2"]
            loss = -mg.sum(mg.nnet.logsoftmax(z, axis=1) * Y) / X.shape[0]
            loss.backward()
            return loss, {k: p.grad for k, p in T.items()}

        check_close("MyGrad", step(), want, **tol)
        return [Case("MyGrad", step)]

    def jax_cases(jax):
        import jax.numpy as jnp

        def loss(P, X, Y):
            h = jnp.tanh(X @ P["W1"] + P["b1"])
            z = h @ P["W2"] + P["b2"]
            return -jnp.sum(jax.nn.log_softmax(z, axis=1) * Y) / X.shape[0]

        Pj = {k: jnp.asarray(v) for k, v in P.items()}
        Xj, Yj = jnp.asarray(X), jnp.asarray(Y)
        vg = jax.value_and_grad(loss)
        jitted = jax.jit(vg)
        check_close("JAX", vg(Pj, Xj, Yj), want, **tol)
        check_close("JAX jit", jitted(Pj, Xj, Yj), want, **tol)
        return [Case("JAX eager value_and_grad",
                     lambda: jax.block_until_ready(vg(Pj, Xj, Yj))),
                Case("JAX jit (reference)",
                     lambda: jax.block_until_ready(jitted(Pj, Xj, Yj)), REFERENCE)]

    peers.add("torch", torch_cases)
    peers.add("autograd", autograd_cases)
    peers.add("mygrad", mygrad_cases)
    peers.add("jax", jax_cases)
    built.bars += [Bar("funcgrad Tensor.backward within 1.10x of hand-written NumPy",
                       TENSOR, NUMPY, 1.10),
                   Bar("funcgrad fg.value_and_grad within 1.10x of hand-written NumPy",
                       GRAD, NUMPY, 1.10)]
    return built


# ----------------------------------------------------------------------------- memory

def build_memory(cfg):
    P, X, Y = mlp_problem()           # workload 2's model at full size, even with --quick
    want = mlp_numpy(P, X, Y)
    built = Built(cases=[Case(NUMPY, lambda: mlp_numpy(P, X, Y), LIMIT)], baseline=NUMPY,
                  metric="memory")
    tol = dict(rtol=2e-4, atol=1e-6)
    try:
        tensor_step, grad_step, clear = _funcgrad_mlp_cases(P, X, Y)
        check_close(TENSOR, tensor_step(), want, **tol)
        check_close(GRAD, grad_step(), want, **tol)
        built.cases += [Case(TENSOR, tensor_step, FUNCGRAD, setup=clear),
                        Case(GRAD, grad_step, FUNCGRAD)]
    except Exception as exc:   # noqa: BLE001
        built.failed[TENSOR] = built.failed[GRAD] = f"{type(exc).__name__}: {exc}"
    peers = Peers(cfg, built.cases, built.notes)

    def autograd_cases(autograd):
        return _autograd_mlp_cases(autograd, P, X, Y, want, tol)

    def mygrad_cases(mg):
        T = {k: mg.tensor(v) for k, v in P.items()}

        def clear():
            for p in T.values():
                p.null_grad()

        def step(_):
            h = mg.tanh(X @ T["W1"] + T["b1"])
            z = h @ T["W2"] + T["b2"]
            loss = -mg.sum(mg.nnet.logsoftmax(z, axis=1) * Y) / X.shape[0]
            loss.backward()
            return loss, {k: p.grad for k, p in T.items()}

        check_close("MyGrad", step(None), want, **tol)
        return [Case("MyGrad", step, setup=clear)]

    peers.add("autograd", autograd_cases)
    peers.add("mygrad", mygrad_cases)
    if cfg.peers.get("torch") is not None or cfg.peers.get("jax") is not None:
        built.notes.append("PyTorch and JAX allocate outside tracemalloc's view: left out")
    built.bars += [Bar("funcgrad Tensor.backward peak within 1.2x of hand-written NumPy",
                       TENSOR, NUMPY, 1.2),
                   Bar("funcgrad fg.value_and_grad peak within 1.2x of hand-written NumPy",
                       GRAD, NUMPY, 1.2)]
    return built


# ----------------------------------------------------------------------------- training loop

LR = 0.05


def training_problem(n=1024, d=64, h=64, batch=32, seed=2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(np.float32)
    y = np.sin(X[:, :1] + 0.5 * X[:, 1:2]).astype(np.float32)
    batches = [(np.ascontiguousarray(X[i:i + batch]), np.ascontiguousarray(y[i:i + batch]))
               for i in range(0, n, batch)]
    init = [(rng.standard_normal((d, h)) / np.sqrt(d)).astype(np.float32),
            np.zeros(h, np.float32),
            (rng.standard_normal((h, 1)) / np.sqrt(h)).astype(np.float32),
            np.zeros(1, np.float32)]
    return init, batches


def train_numpy(init, batches, steps):
    W1, b1, W2, b2 = (p.copy() for p in init)
    for i in range(steps):
        xb, yb = batches[i % len(batches)]
        h = np.tanh(xb @ W1 + b1)
        pred = h @ W2 + b2
        d = (2.0 / pred.size) * (pred - yb)
        da = (d @ W2.T) * (1 - h * h)
        W1 -= LR * (xb.T @ da)
        b1 -= LR * da.sum(axis=0)
        W2 -= LR * (h.T @ d)
        b2 -= LR * d.sum(axis=0)
    return [W1, b1, W2, b2]


def _train_tensor(init, tbatches, steps):
    params = [fg.tensor(p, requires_grad=True) for p in init]
    W1, b1, W2, b2 = params
    for i in range(steps):
        xb, yb = tbatches[i % len(tbatches)]
        pred = fg.tanh(xb @ W1 + b1) @ W2 + b2
        loss = ((pred - yb) ** 2).mean()
        loss.backward()
        with fg.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
    return params


def _train_loss(P, xb, yb):
    pred = fnp.tanh(xb @ P[0] + P[1]) @ P[2] + P[3]
    return fnp.mean((pred - yb) ** 2)


def _train_grad(init, batches, steps):
    grad = fg.grad(_train_loss)
    P = [p.copy() for p in init]
    for i in range(steps):
        xb, yb = batches[i % len(batches)]
        G = grad(P, xb, yb)
        P = [p - LR * g for p, g in zip(P, G)]
    return P


def build_training(cfg):
    steps = 100 if cfg.quick else 1000
    init, batches = training_problem()
    check_steps = 20
    want = train_numpy(init, batches, check_steps)
    tol = dict(rtol=1e-4, atol=1e-5)
    built = Built(cases=[Case(NUMPY, lambda: train_numpy(init, batches, steps), LIMIT)],
                  baseline=NUMPY, per=steps, unit="step", repeat=3 if cfg.quick else 5,
                  title=f"small-batch training loop (batch 32, 64-64-1, {steps:,} SGD steps)")
    tensor_name = "funcgrad Tensor + no_grad update"
    grad_name = "funcgrad fg.grad, functional update"

    def tensor_case():
        tb = [(fg.from_numpy(x), fg.from_numpy(y)) for x, y in batches]
        check_close(tensor_name, _train_tensor(init, tb, check_steps), want, **tol)
        return Case(tensor_name, lambda: _train_tensor(init, tb, steps), FUNCGRAD)

    def grad_case():
        check_close(grad_name, _train_grad(init, batches, check_steps), want, **tol)
        return Case(grad_name, lambda: _train_grad(init, batches, steps), FUNCGRAD)

    guarded(built, tensor_name, tensor_case)
    guarded(built, grad_name, grad_case)
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        tb = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches]

        def train(steps):
            params = [torch.tensor(p, requires_grad=True) for p in init]
            W1, b1, W2, b2 = params
            for i in range(steps):
                xb, yb = tb[i % len(tb)]
                pred = torch.tanh(xb @ W1 + b1) @ W2 + b2
                loss = ((pred - yb) ** 2).mean()
                loss.backward()
                with torch.no_grad():
                    for p in params:
                        p -= LR * p.grad
                        p.grad = None
            return params

        check_close("PyTorch", train(check_steps), want, **tol)
        return [Case("PyTorch eager", lambda: train(steps))]

    def autograd_cases(autograd):
        import autograd.numpy as anp

        def loss(P, xb, yb):
            pred = anp.tanh(xb @ P[0] + P[1]) @ P[2] + P[3]
            return anp.mean((pred - yb) ** 2)

        grad = autograd.grad(loss)

        def train(steps):
            P = [p.copy() for p in init]
            for i in range(steps):
                xb, yb = batches[i % len(batches)]
                P = [p - LR * g for p, g in zip(P, grad(P, xb, yb))]
            return P

        check_close("HIPS autograd", train(check_steps), want, **tol)
        return [Case("HIPS autograd", lambda: train(steps))]

    def mygrad_cases(mg):
        def train(steps):
            params = [mg.tensor(p.copy()) for p in init]
            W1, b1, W2, b2 = params
            for i in range(steps):
                xb, yb = batches[i % len(batches)]
                pred = mg.tanh(xb @ W1 + b1) @ W2 + b2
                loss = mg.mean((pred - yb) ** 2)
                loss.backward()
                with mg.no_autodiff:
                    for p in params:
                        p -= LR * p.grad
            return params

        check_close("MyGrad", train(check_steps), want, **tol)
        return [Case("MyGrad", lambda: train(steps))]

    def jax_cases(jax):
        import jax.numpy as jnp

        def loss(P, xb, yb):
            pred = jnp.tanh(xb @ P[0] + P[1]) @ P[2] + P[3]
            return jnp.mean((pred - yb) ** 2)

        grad = jax.grad(loss)
        jb = [(jnp.asarray(x), jnp.asarray(y)) for x, y in batches]

        def sgd(P, xb, yb):
            return [p - LR * g for p, g in zip(P, grad(P, xb, yb))]

        jitted = jax.jit(sgd)

        def train(steps, step=sgd):
            P = [jnp.asarray(p) for p in init]
            for i in range(steps):
                P = step(P, *jb[i % len(jb)])
            return jax.block_until_ready(P)

        check_close("JAX", train(check_steps), want, **tol)
        check_close("JAX jit", train(check_steps, jitted), want, **tol)
        return [Case("JAX eager grad", lambda: train(steps)),
                Case("JAX jit step (reference)", lambda: train(steps, jitted), REFERENCE)]

    peers.add("torch", torch_cases)
    peers.add("autograd", autograd_cases)
    peers.add("mygrad", mygrad_cases)
    peers.add("jax", jax_cases)
    built.bars += [Bar("funcgrad Tensor loop no slower than PyTorch eager",
                       tensor_name, "PyTorch eager", 1.0),
                   Bar("funcgrad fg.grad loop no slower than PyTorch eager",
                       grad_name, "PyTorch eager", 1.0)]
    return built


WORKLOADS = [
    Workload("mlp", "MLP gradient step (batch 256, 784-512-10, float32)",
             "tanh hidden layer, softmax cross-entropy; loss and gradients of all four "
             "parameters.", build_mlp),
    Workload("training", "small-batch training loop (batch 32, 64-64-1, 1,000 SGD steps)",
             "tanh hidden layer, mean squared error, float32; forward, backward and a "
             "parameter update per step, reported per step.", build_training),
    Workload("memory", "peak memory of the MLP gradient step (tracemalloc)",
             "one forward and backward pass of the mlp workload's model at full size; peak "
             "bytes above what was live before the call.", build_memory),
]

if __name__ == "__main__":
    from _harness import run_as_script

    run_as_script(WORKLOADS)

"""NumPy programs, written for plain NumPy, differentiated through ``funcgrad.numpy``.

Each program below reads like ordinary NumPy code (``np`` is ``funcgrad.numpy``); the tests
differentiate it with funcgrad's transforms and compare with closed forms or finite
differences computed with real NumPy.
"""

import numpy
import pytest

import funcgrad as fg
import funcgrad.numpy as np
from funcgrad.testing import check_grads

rng = numpy.random.default_rng(0)


def finite_difference_grad(f, x, eps=1e-6):
    """Central differences of a scalar f at x, with real NumPy."""
    x = numpy.array(x, dtype=float)
    g = numpy.zeros_like(x)
    for i in numpy.ndindex(x.shape):
        e = numpy.zeros_like(x)
        e[i] = eps
        g[i] = (float(f(x + e)) - float(f(x - e))) / (2 * eps)
    return g


# ---- 1. the log-likelihood of a Gaussian -------------------------------------------------


def gaussian_log_likelihood(params, x):
    mu, log_sigma = params
    sigma = np.exp(log_sigma)
    z = (x - mu) / sigma
    return np.sum(-0.5 * z ** 2 - log_sigma - 0.5 * np.log(2 * np.pi))


def test_gaussian_log_likelihood_gradient_is_the_score():
    x = rng.normal(1.5, 2.0, size=50)
    mu, log_sigma = 0.7, 0.3
    g_mu, g_ls = fg.grad(gaussian_log_likelihood)((mu, log_sigma), x)
    sigma = numpy.exp(log_sigma)
    assert g_mu == pytest.approx(numpy.sum(x - mu) / sigma ** 2)
    assert g_ls == pytest.approx(numpy.sum((x - mu) ** 2) / sigma ** 2 - x.size)
    hess = fg.hessian(lambda p: gaussian_log_likelihood((p[0], p[1]), x))(numpy.array([mu, log_sigma]))
    assert hess[0, 0] == pytest.approx(-x.size / sigma ** 2)
    assert hess[1, 0] == pytest.approx(hess[0, 1])


# ---- 2. a small neural network -----------------------------------------------------------


def init_network(sizes, seed=1):
    r = numpy.random.default_rng(seed)
    return [{"W": r.standard_normal((m, n)) / numpy.sqrt(m), "b": numpy.zeros(n)}
            for m, n in zip(sizes[:-1], sizes[1:])]


def network(params, x):
    for layer in params[:-1]:
        x = np.tanh(np.dot(x, layer["W"]) + layer["b"])
    return np.dot(x, params[-1]["W"]) + params[-1]["b"]


def mse(params, x, y):
    return np.mean((network(params, x) - y) ** 2)


def test_neural_network_gradient_matches_finite_differences_and_trains():
    x = rng.standard_normal((16, 3))
    y = numpy.sin(x.sum(axis=1, keepdims=True))
    params = init_network([3, 8, 1])
    grads = fg.grad(mse)(params, x, y)
    assert [set(g) for g in grads] == [{"W", "b"}] * 2
    for k, layer in enumerate(params):
        for name in ("W", "b"):
            def loss_of(value, k=k, name=name):
                p = [dict(layer) for layer in params]
                p[k][name] = value
                return mse(p, x, y)

            numpy.testing.assert_allclose(grads[k][name], finite_difference_grad(loss_of, layer[name]),
                                          rtol=1e-5, atol=1e-7)
    before = float(mse(params, x, y))
    for _ in range(50):
        grads = fg.grad(mse)(params, x, y)
        params = fg.tree.map(lambda p, g: p - 0.1 * g, params, grads)
    assert float(mse(params, x, y)) < 0.5 * before


# ---- 3. the marginal likelihood of a Gaussian process (Cholesky) -------------------------


def gp_negative_log_marginal_likelihood(log_params, x, y):
    log_lengthscale, log_variance, log_noise = log_params[0], log_params[1], log_params[2]
    sq_dist = (x[:, None] - x[None, :]) ** 2
    K = np.exp(log_variance) * np.exp(-0.5 * sq_dist / np.exp(2 * log_lengthscale))
    K = K + (np.exp(log_noise) + 1e-8) * np.eye(x.shape[0])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * np.dot(y, alpha) + np.sum(np.log(np.diagonal(L))) + 0.5 * x.shape[0] * np.log(2 * np.pi)


def test_gp_marginal_likelihood_gradient_matches_finite_differences():
    x = numpy.linspace(-2, 2, 12)
    y = numpy.sin(2 * x) + 0.1 * rng.standard_normal(12)
    theta = numpy.array([-0.3, 0.2, -2.0])
    g = fg.grad(gp_negative_log_marginal_likelihood)(theta, x, y)
    numpy.testing.assert_allclose(
        g, finite_difference_grad(lambda t: gp_negative_log_marginal_likelihood(t, x, y), theta),
        rtol=1e-5, atol=1e-7)
    # the closed form for the noise: d/dlog_noise = noise/2 * (tr(K^-1) - alpha^T alpha)
    noise = numpy.exp(theta[2]) + 1e-8
    K = numpy.exp(theta[1]) * numpy.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / numpy.exp(2 * theta[0]))
    K_inv = numpy.linalg.inv(K + noise * numpy.eye(12))
    alpha = K_inv @ y
    assert g[2] == pytest.approx(0.5 * numpy.exp(theta[2]) * (numpy.trace(K_inv) - alpha @ alpha), rel=1e-6)


# ---- 4. a filter in the Fourier domain ---------------------------------------------------


def fft_filter(signal, response):
    return np.fft.irfft(np.fft.rfft(signal) * response, n=signal.shape[0])


def filter_loss(signal, response, target):
    return np.sum((fft_filter(signal, response) - target) ** 2)


def test_fft_filter_gradients_match_finite_differences():
    n = 16
    signal = rng.standard_normal(n)
    response = numpy.exp(-numpy.arange(n // 2 + 1) / 3.0)
    target = numpy.cos(numpy.arange(n) / 2)
    g_signal, g_response = fg.grad(filter_loss, argnums=(0, 1))(signal, response, target)
    numpy.testing.assert_allclose(
        g_signal, finite_difference_grad(lambda s: filter_loss(s, response, target), signal), rtol=1e-6, atol=1e-8)
    numpy.testing.assert_allclose(
        g_response, finite_difference_grad(lambda h: filter_loss(signal, h, target), response), rtol=1e-6, atol=1e-8)
    # the filter is linear in the signal: its Jacobian is the same at every point
    jac = fg.jacfwd(fft_filter)(signal, response)
    numpy.testing.assert_allclose(jac, fg.jacrev(fft_filter)(signal * 3 + 1, response), atol=1e-12)


# ---- 5. a softmax classifier -------------------------------------------------------------


def softmax_cross_entropy(W, b, X, labels):
    logits = np.dot(X, W) + b
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(X.shape[0]), labels])


def test_softmax_classifier_gradient_is_the_closed_form():
    X = rng.standard_normal((20, 4))
    labels = rng.integers(0, 3, size=20)
    W, b = 0.1 * rng.standard_normal((4, 3)), numpy.zeros(3)
    gW, gb = fg.grad(softmax_cross_entropy, argnums=(0, 1))(W, b, X, labels)
    logits = X @ W + b
    probs = numpy.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    delta = (probs - numpy.eye(3)[labels]) / X.shape[0]
    numpy.testing.assert_allclose(gW, X.T @ delta, rtol=1e-10)
    numpy.testing.assert_allclose(gb, delta.sum(axis=0), rtol=1e-10, atol=1e-15)
    check_grads(lambda w: softmax_cross_entropy(w, b, X, labels), [W], order=2)


def test_programs_give_numpy_results_on_plain_arrays():
    x = rng.normal(size=10)
    assert isinstance(gaussian_log_likelihood((0.0, 0.0), x), float | numpy.floating)
    out = network(init_network([3, 4, 2]), rng.standard_normal((5, 3)))
    assert type(out) is numpy.ndarray and out.shape == (5, 2)

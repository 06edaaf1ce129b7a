"""The example scripts run and report agreement between their independent computations;
the digits MLP reaches its accuracy, the pendulum obeys its physics, and both draw real
pictures."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_example(name):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / name)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_jacobian_script_checks_its_derivatives():
    out = run_example("jacobian_script.py")
    assert "Jacobian dy/dx (jacrev), shape (2, 3)" in out
    assert "jacfwd agrees: True | closed form agrees: True" in out
    assert "Hessian of the loss (forward over reverse), shape (3, 3)" in out
    assert "symmetric: True | finite differences agree: True" in out
    assert "Hessian-vector product" in out


# ---- the examples with pictures: run in-process with small settings ---------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_real_png(path, min_bytes=20_000):
    """A PNG file that decodes to a picture with something drawn on it."""
    import matplotlib.image

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert len(data) > min_bytes, f"{path} is only {len(data)} bytes"
    pixels = matplotlib.image.imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 300 and pixels.shape[1] > 600
    assert pixels[..., :3].std() > 0.05  # not a blank canvas


@pytest.fixture(scope="module")
def digits():
    return load_example("digits_mlp")


@pytest.fixture(scope="module")
def pendulum():
    return load_example("pendulum")


def test_digits_mlp_reaches_95_percent_on_held_out_digits(digits, tmp_path, capsys):
    out = tmp_path / "digits.png"
    result = digits.main(["--epochs", "20", "--seed", "0", "--out", str(out), "--no-progress"])
    assert result["test_accuracy"] >= 0.95, result["test_accuracy"]
    assert result["n_test"] == 450 and result["n_train"] == 1347  # a real held-out quarter
    history = result["history"]
    assert len(history["train_loss"]) == 20
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]  # it learned
    printed = capsys.readouterr().out
    assert f"test accuracy {100 * result['test_accuracy']:.1f}%" in printed and str(out) in printed
    assert_real_png(out)


def test_digits_mlp_is_deterministic_given_a_seed(digits, tmp_path):
    runs = [digits.main(["--epochs", "2", "--seed", str(seed), "--out", str(tmp_path / f"{i}.png"), "--no-progress"])
            for i, seed in enumerate((3, 3, 4))]
    assert runs[0]["history"] == runs[1]["history"]
    assert runs[0]["history"] != runs[2]["history"]


def independent_accelerations(q, qd, p):
    """Euler-Lagrange by hand, in matrix form: M(q) q'' = f(q, q')."""
    (t1, t2), (w1, w2) = q, qd
    c, s = np.cos(t1 - t2), np.sin(t1 - t2)
    mass = np.array([[(p.m1 + p.m2) * p.l1 ** 2, p.m2 * p.l1 * p.l2 * c],
                     [p.m2 * p.l1 * p.l2 * c, p.m2 * p.l2 ** 2]])
    force = np.array([-p.m2 * p.l1 * p.l2 * w2 ** 2 * s - (p.m1 + p.m2) * p.g * p.l1 * np.sin(t1),
                      p.m2 * p.l1 * p.l2 * w1 ** 2 * s - p.m2 * p.g * p.l2 * np.sin(t2)])
    return np.linalg.solve(mass, force)


def test_pendulum_accelerations_from_the_lagrangian_match_the_closed_form(pendulum):
    rng = np.random.default_rng(0)
    for _ in range(20):
        p = pendulum.Pendulum(*rng.uniform(0.5, 2.0, 4), g=9.81)
        q, qd = rng.uniform(-np.pi, np.pi, 2), rng.uniform(-5, 5, 2)
        expected = independent_accelerations(q, qd, p)
        np.testing.assert_allclose(pendulum.accelerations(q, qd, p), expected, rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(pendulum.textbook_accelerations(q, qd, p), expected, rtol=1e-11, atol=1e-12)
        mass = pendulum.mass_matrix(q, qd, p)
        np.testing.assert_allclose(mass, pendulum.textbook_mass_matrix(q, p), rtol=1e-14)


def test_pendulum_conserves_energy_and_draws_its_picture(pendulum, tmp_path, capsys):
    out = tmp_path / "pendulum.png"
    result = pendulum.main(["--t-max", "2", "--dt", "0.01", "--out", str(out)])
    # RK4 with dt = 0.01 s from 120/-20 degrees: about 7e-6 of the energy above rest.
    assert result["energy_drift"] < 2e-5
    assert result["accel_error"] < 1e-10
    assert result["states"].shape == (201, 4) and np.all(np.isfinite(result["states"]))
    assert np.ptp(result["states"][:, 0]) > 1.0  # it really swung
    printed = capsys.readouterr().out
    assert "agrees with the closed form: True" in printed and str(out) in printed
    assert_real_png(out)


def test_pendulum_energy_error_is_the_integrators_and_shrinks_at_fourth_order(pendulum):
    p = pendulum.Pendulum()
    errors = [pendulum.relative_energy_error(pendulum.simulate(*np.radians([120, -20]), 1.0, dt, p)[1], p).max()
              for dt in (0.02, 0.01)]
    assert errors[0] / errors[1] > 10  # 2**4 = 16 for a fourth-order method


def test_pendulum_runs_as_a_script(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "pendulum.py"), "--t-max", "0.2",
                           "--out", str(tmp_path / "p.png")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "accelerations from the Lagrangian vs the textbook equations" in proc.stdout
    assert (tmp_path / "p.png").read_bytes()[:8] == PNG_SIGNATURE

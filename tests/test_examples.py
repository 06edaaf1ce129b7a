"""The example scripts run and report agreement between their independent computations."""

import os
import subprocess
import sys
from pathlib import Path

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

"""A double pendulum whose equations of motion come from its Lagrangian, by autodiff.

Only the Lagrangian ``L(q, q') = T - V`` is written by hand (``q`` the two angles, ``q'``
their rates). The Euler-Lagrange equations ``d/dt dL/dq' = dL/dq``, expanded, are

    (d^2 L / dq'^2) q'' = dL/dq - (d^2 L / dq dq') q'

and funcgrad supplies every derivative in them: ``fg.grad`` gives ``dL/dq`` and the
momentum ``p = dL/dq'``; one ``fg.jacfwd`` of ``p`` with respect to ``(q, q')`` gives the
mixed block ``d^2 L / dq dq'`` and the mass matrix ``d^2 L / dq'^2`` in a single forward
pass (``fg.hessian`` gives the mass matrix too: the script checks both against the closed
form). A fourth-order Runge-Kutta integrator then follows the motion.

Prints the check of the accelerations against the textbook equations of the double
pendulum, the energy drift of the integration, and writes a figure (the bobs' paths, the
angles over time, the energy error) to ``--out``.

Run it from the repository root::

    python examples/pendulum.py                        # 10 s of motion, dt = 0.01 s
    python examples/pendulum.py --t-max 20 --theta1 90 --theta2 90 --out /tmp/pendulum.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib

matplotlib.use("Agg")  # files only: no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import funcgrad as fg  # noqa: E402
import funcgrad.numpy as fnp  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "pendulum.png"


class Pendulum(NamedTuple):
    """Point masses ``m1``, ``m2`` (kg) on massless rods ``l1``, ``l2`` (m); gravity ``g``."""

    m1: float = 1.0
    m2: float = 1.0
    l1: float = 1.0
    l2: float = 1.0
    g: float = 9.81


def kinetic(q: Any, qd: Any, p: Pendulum) -> Any:
    return (0.5 * (p.m1 + p.m2) * p.l1 ** 2 * qd[0] ** 2 + 0.5 * p.m2 * p.l2 ** 2 * qd[1] ** 2
            + p.m2 * p.l1 * p.l2 * qd[0] * qd[1] * fnp.cos(q[0] - q[1]))


def potential(q: Any, p: Pendulum) -> Any:
    # angles from the downward vertical; height measured upwards from the pivot
    return -(p.m1 + p.m2) * p.g * p.l1 * fnp.cos(q[0]) - p.m2 * p.g * p.l2 * fnp.cos(q[1])


def lagrangian(q: Any, qd: Any, p: Pendulum) -> Any:
    """The only physics written by hand: ``T - V``."""
    return kinetic(q, qd, p) - potential(q, p)


def energy(q: Any, qd: Any, p: Pendulum) -> Any:
    return kinetic(q, qd, p) + potential(q, p)


generalized_force = fg.grad(lagrangian, argnums=0)  # dL/dq
momentum = fg.grad(lagrangian, argnums=1)  # p = dL/dq'
momentum_jacobian = fg.jacfwd(momentum, argnums=(0, 1))  # (d^2L/dq dq', d^2L/dq'^2), one pass
mass_matrix = fg.hessian(lagrangian, argnums=1)  # d^2L/dq'^2 alone


def accelerations(q: np.ndarray, qd: np.ndarray, p: Pendulum = Pendulum()) -> np.ndarray:
    """``q''`` from the Euler-Lagrange equations, every derivative by autodiff."""
    mixed, mass = momentum_jacobian(q, qd, p)  # mixed[i, j] = d p_i / d q_j
    return np.linalg.solve(mass, generalized_force(q, qd, p) - mixed @ qd)


def textbook_accelerations(q: np.ndarray, qd: np.ndarray, p: Pendulum = Pendulum()) -> np.ndarray:
    """The double pendulum's equations of motion as textbooks print them, for comparison."""
    (t1, t2), (w1, w2) = q, qd
    d = t1 - t2
    den = 2 * p.m1 + p.m2 - p.m2 * np.cos(2 * d)
    a1 = (-p.g * (2 * p.m1 + p.m2) * np.sin(t1) - p.m2 * p.g * np.sin(t1 - 2 * t2)
          - 2 * np.sin(d) * p.m2 * (w2 ** 2 * p.l2 + w1 ** 2 * p.l1 * np.cos(d))) / (p.l1 * den)
    a2 = (2 * np.sin(d) * (w1 ** 2 * p.l1 * (p.m1 + p.m2) + p.g * (p.m1 + p.m2) * np.cos(t1)
                           + w2 ** 2 * p.l2 * p.m2 * np.cos(d))) / (p.l2 * den)
    return np.array([a1, a2])


def textbook_mass_matrix(q: np.ndarray, p: Pendulum = Pendulum()) -> np.ndarray:
    c = p.m2 * p.l1 * p.l2 * np.cos(q[0] - q[1])
    return np.array([[(p.m1 + p.m2) * p.l1 ** 2, c], [c, p.m2 * p.l2 ** 2]])


def rk4_step(state: np.ndarray, dt: float, p: Pendulum) -> np.ndarray:
    """One classical Runge-Kutta step of ``(q, q')' = (q', q'')``."""
    def f(s: np.ndarray) -> np.ndarray:
        return np.concatenate([s[2:], accelerations(s[:2], s[2:], p)])

    k1 = f(state)
    k2 = f(state + 0.5 * dt * k1)
    k3 = f(state + 0.5 * dt * k2)
    k4 = f(state + dt * k3)
    return state + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def simulate(theta1: float, theta2: float, t_max: float, dt: float,
             p: Pendulum = Pendulum()) -> tuple[np.ndarray, np.ndarray]:
    """Times and states ``(theta1, theta2, omega1, omega2)`` from rest at the given angles
    (radians)."""
    steps = int(round(t_max / dt))
    states = np.empty((steps + 1, 4))
    states[0] = [theta1, theta2, 0.0, 0.0]
    for k in range(steps):
        states[k + 1] = rk4_step(states[k], dt, p)
    return np.arange(steps + 1) * dt, states


def relative_energy_error(states: np.ndarray, p: Pendulum) -> np.ndarray:
    """``|E(t) - E(0)|`` over the energy above the hanging rest state, ``E(0) - E_rest``."""
    e = np.array([energy(s[:2], s[2:], p) for s in states])
    e_rest = -(p.m1 + p.m2) * p.g * p.l1 - p.m2 * p.g * p.l2
    return np.abs(e - e[0]) / (e[0] - e_rest)


def plot(times: np.ndarray, states: np.ndarray, drift: np.ndarray, dt: float, p: Pendulum,
         out: Path) -> None:
    t1, t2 = states[:, 0], states[:, 1]
    x1, y1 = p.l1 * np.sin(t1), -p.l1 * np.cos(t1)
    x2, y2 = x1 + p.l2 * np.sin(t2), y1 - p.l2 * np.cos(t2)

    fig = plt.figure(figsize=(12, 6))
    ax_path = fig.add_subplot(1, 2, 1)
    ax_angle = fig.add_subplot(2, 2, 2)
    ax_energy = fig.add_subplot(2, 2, 4, sharex=ax_angle)

    ax_path.plot(x2, y2, color="tab:orange", linewidth=0.8, alpha=0.8, label="bob 2 path")
    ax_path.plot(x1, y1, color="tab:blue", linewidth=1.2, label="bob 1 path")
    for k, (style, name) in {0: ("k-o", "start"), len(times) - 1: ("k--o", "end")}.items():
        ax_path.plot([0, x1[k], x2[k]], [0, y1[k], y2[k]], style, markersize=5, linewidth=1.5,
                     alpha=1.0 if name == "start" else 0.5, label=f"rods at {name} (t = {times[k]:.1f} s)")
    reach = p.l1 + p.l2
    ax_path.set(xlim=(-1.1 * reach, 1.1 * reach), ylim=(-1.1 * reach, 1.1 * reach), aspect="equal",
                xlabel="x (m)", ylabel="y (m)", title="Paths of the two bobs")
    ax_path.legend(loc="upper right", fontsize=8)

    ax_angle.plot(times, np.degrees(t1), label=r"$\theta_1$ (upper rod)")
    ax_angle.plot(times, np.degrees(t2), label=r"$\theta_2$ (lower rod)")
    ax_angle.set(ylabel="angle from vertical (deg)", title="Angles over time (unwrapped: full turns add 360)")
    ax_angle.legend(fontsize=8)

    ax_energy.semilogy(times[1:], np.maximum(drift[1:], 1e-17), color="tab:red",
                       label=f"RK4, dt = {dt:g} s")
    ax_energy.set(xlabel="time (s)", ylabel=r"$|E(t) - E(0)|\,/\,(E(0) - E_{rest})$",
                  title="Energy error of the integration")
    ax_energy.legend(fontsize=8)
    for ax in (ax_path, ax_angle, ax_energy):
        ax.grid(alpha=0.3)
    fig.suptitle("Double pendulum: equations of motion from the Lagrangian by funcgrad "
                 "(fg.grad, fg.jacfwd)")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--t-max", type=float, default=10.0, help="seconds of motion (default 10)")
    parser.add_argument("--dt", type=float, default=0.01, help="time step in seconds (default 0.01)")
    parser.add_argument("--theta1", type=float, default=120.0, help="initial upper angle, degrees (default 120)")
    parser.add_argument("--theta2", type=float, default=-20.0, help="initial lower angle, degrees (default -20)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the figure's path (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    p = Pendulum()

    q0 = np.radians([args.theta1, args.theta2])
    mass = mass_matrix(q0, np.zeros(2), p)
    print("mass matrix d2L/dq'2 at the start (fg.hessian):", mass.tolist())
    print("  agrees with the closed form:", np.allclose(mass, textbook_mass_matrix(q0, p), rtol=1e-14, atol=0))

    times, states = simulate(*q0, args.t_max, args.dt, p)
    picks = states[:: max(1, len(states) // 50)]
    auto = np.array([accelerations(s[:2], s[2:], p) for s in picks])
    book = np.array([textbook_accelerations(s[:2], s[2:], p) for s in picks])
    accel_error = float(np.max(np.abs(auto - book)))
    print(f"accelerations from the Lagrangian vs the textbook equations, {len(picks)} states "
          f"along the path: max |difference| = {accel_error:.1e} rad/s^2")

    drift = relative_energy_error(states, p)
    print(f"simulated {args.t_max:g} s with RK4 (dt = {args.dt:g} s, {len(times) - 1} steps); "
          f"energy E(0) = {energy(states[0, :2], states[0, 2:], p):.4f} J, "
          f"max relative energy error {drift.max():.1e}")
    plot(times, states, drift, args.dt, p, args.out)
    print(f"figure: {args.out}")
    return {"times": times, "states": states, "accel_error": accel_error,
            "energy_drift": float(drift.max()), "out": args.out}


if __name__ == "__main__":
    main(sys.argv[1:])

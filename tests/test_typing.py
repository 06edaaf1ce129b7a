"""The transforms' signatures as a type checker sees them, and the calls they promise.

``fg.grad(f)`` and friends are typed with ``ParamSpec``: an editor (or mypy) shows the
wrapped function's own parameters and rejects a wrong call. One mypy run over a small
snippet checks that; the runtime tests below check the keyword calls those signatures
allow.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
from mypy import api as mypy_api

import funcgrad as fg
import funcgrad.numpy as fnp

ROOT = Path(__file__).resolve().parents[1]

# Each line to look at carries a marker: "# R:name" for a reveal_type, "# E:name" for a
# call mypy must reject. Every other line must type-check cleanly.
SNIPPET = '''
from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad as fg


def f(x: np.ndarray, y: float) -> float:
    return float(np.sum(x)) * y


x = np.ones(2)
reveal_type(fg.grad(f))  # R:grad
reveal_type(fg.grad(f, argnums=(0, 1), has_aux=False))  # R:grad_argnums
reveal_type(fg.value_and_grad(f))  # R:value_and_grad
reveal_type(fg.jacrev(f))  # R:jacrev
reveal_type(fg.jacfwd(f, argnums=(0, 1)))  # R:jacfwd
reveal_type(fg.jacobian(f))  # R:jacobian
reveal_type(fg.hessian(f))  # R:hessian
reveal_type(fg.checkpoint(f))  # R:checkpoint
reveal_type(fg.vjp(f, x, 2.0))  # R:vjp
reveal_type(fg.vjp(f, x, 2.0, has_aux=True))  # R:vjp_aux
reveal_type(fg.jvp(f, (x, 2.0), (x, 1.0)))  # R:jvp
reveal_type(fg.jvp(f, (x, 2.0), (x, 1.0), has_aux=True))  # R:jvp_aux
reveal_type(fg.linearize(f, x, 2.0))  # R:linearize

clipped = fg.custom_vjp(f)
reveal_type(clipped)  # R:custom_vjp
reveal_type(clipped(x, 2.0))  # R:custom_vjp_call


@fg.custom_jvp
def softplus(x: float) -> float:
    return x


@softplus.defjvp
def softplus_jvp(primals: tuple[float], tangents: tuple[float]) -> tuple[float, float]:
    return primals[0], tangents[0]


reveal_type(softplus)  # R:custom_jvp
reveal_type(softplus_jvp)  # R:defjvp


@fg.no_grad()
def h1(a: int, *, b: str = "") -> str:
    return b


@fg.no_grad
def h2(a: int) -> str:
    return ""


@fg.enable_grad()
def h3(a: int) -> str:
    return ""


@fg.set_grad_enabled(False)
def h4(a: int) -> str:
    return ""


@fg.autograd.detect_anomaly()
def h5(a: int) -> str:
    return ""


reveal_type(h1)  # R:no_grad
reveal_type(h2)  # R:no_grad_bare
reveal_type(h3)  # R:enable_grad
reveal_type(h4)  # R:set_grad_enabled
reveal_type(h5)  # R:detect_anomaly
with fg.no_grad(), fg.enable_grad(), fg.autograd.detect_anomaly():
    pass


class Exp(fg.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: fg.Tensor) -> fg.Tensor:
        result: fg.Tensor = x.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Any, grad_output: fg.Tensor) -> fg.Tensor:
        (result,) = ctx.saved_tensors
        grad_input: fg.Tensor = grad_output * result
        return grad_input


Exp.apply(fg.ones(2))

fg.grad(f)(1, 2, 3)  # E:too_many
fg.grad(f)(x, "a")  # E:wrong_type
fg.value_and_grad(f)(x)  # E:missing
clipped(x)  # E:custom_missing
fg.checkpoint(f)(x, y="a")  # E:checkpoint_keyword
h1(1, b=2)  # E:decorated_keyword
'''

_LINE = re.compile(r"^snippet\.py:(\d+): (note|error): (.*)$")
_ARRAY = r"numpy\.ndarray\[.*?numpy\.dtype\[.*?\]\]"  # its parameters differ across NumPy versions
_FLOAT = r"(builtins\.)?float"
_STR = r"(builtins\.)?str"
_INT = r"(builtins\.)?int"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """mypy's notes and errors over the snippet, by marker: ({name: revealed}, {name: [errors]},
    [errors on unmarked lines])."""
    tmp = tmp_path_factory.mktemp("typing")
    (tmp / "snippet.py").write_text(SNIPPET)
    # Our own config: funcgrad from this checkout; its modules are read for their types but
    # not reported on (that is the job of `mypy --strict funcgrad`).
    (tmp / "mypy.ini").write_text(textwrap.dedent(f"""\
        [mypy]
        mypy_path = {ROOT}
        follow_imports = silent
        [mypy-cupy.*,graphviz]
        ignore_missing_imports = True
        """))
    stdout, stderr, _ = mypy_api.run([
        "--strict", "--config-file", str(tmp / "mypy.ini"), "--cache-dir", str(tmp / "cache"),
        "--no-error-summary", "--show-error-codes", "--no-pretty", str(tmp / "snippet.py"),
    ])
    assert not stderr, stderr
    markers = {}
    for number, line in enumerate(SNIPPET.split("\n"), start=1):
        m = re.search(r"# ([RE]):(\w+)$", line)
        if m:
            markers[number] = (m.group(1), m.group(2))
    revealed, errors, stray = {}, {}, []
    for line in stdout.splitlines():
        line = line.replace(str(tmp / "snippet.py"), "snippet.py")
        m = _LINE.match(line)
        assert m, f"unexpected mypy output: {line}"
        number, kind, message = int(m.group(1)), m.group(2), m.group(3)
        kind_expected, name = markers.get(number, (None, None))
        if kind == "note" and kind_expected == "R":
            revealed[name] = re.fullmatch(r'Revealed type is "(.*)"', message).group(1)
        elif kind == "error" and kind_expected == "E":
            errors.setdefault(name, []).append(message)
        else:
            stray.append(line)
    return revealed, errors, stray


def _assert_reveals(revealed, name, pattern):
    assert name in revealed, f"mypy revealed nothing for {name}"
    assert re.fullmatch(pattern, revealed[name]), f"{name}: {revealed[name]}"


def test_unmarked_lines_type_check_cleanly(checked):
    # The decorators, the Function subclass and every correct call pass --strict.
    _, _, stray = checked
    assert stray == []


@pytest.mark.parametrize("name", ["grad", "grad_argnums", "jacrev", "jacfwd", "jacobian", "hessian"])
def test_transforms_keep_the_parameters(checked, name):
    _assert_reveals(checked[0], name, rf"def \(x: {_ARRAY}, y: {_FLOAT}\) -> Any")


def test_value_and_grad_returns_a_pair(checked):
    _assert_reveals(checked[0], "value_and_grad", rf"def \(x: {_ARRAY}, y: {_FLOAT}\) -> tuple\[Any, Any\]")


def test_checkpoint_keeps_the_whole_signature(checked):
    _assert_reveals(checked[0], "checkpoint", rf"def \(x: {_ARRAY}, y: {_FLOAT}\) -> {_FLOAT}")


def test_vjp_jvp_linearize_results(checked):
    revealed = checked[0]
    pull_back = r"def \(Any\) -> tuple\[Any, \.\.\.\]"
    _assert_reveals(revealed, "vjp", rf"tuple\[Any, {pull_back}\]")
    _assert_reveals(revealed, "vjp_aux", rf"tuple\[Any, {pull_back}, Any\]")
    _assert_reveals(revealed, "jvp", r"tuple\[Any, Any\]")
    _assert_reveals(revealed, "jvp_aux", r"tuple\[Any, Any, Any\]")
    _assert_reveals(revealed, "linearize", r"tuple\[Any, def \(\*Any, \*\*Any\) -> Any\]")


def test_custom_rules_are_generic_in_the_function(checked):
    revealed = checked[0]
    _assert_reveals(revealed, "custom_vjp",
                    rf"funcgrad\.transforms\.custom\.custom_vjp\[\[x: {_ARRAY}, y: {_FLOAT}\], {_FLOAT}\]")
    _assert_reveals(revealed, "custom_vjp_call", _FLOAT)
    _assert_reveals(revealed, "custom_jvp", rf"funcgrad\.transforms\.custom\.custom_jvp\[\[x: {_FLOAT}\], {_FLOAT}\]")
    # defjvp used as a decorator gives the rule back unchanged.
    _assert_reveals(revealed, "defjvp", rf"def \(primals: tuple\[{_FLOAT}\], tangents: tuple\[{_FLOAT}\]\) "
                                        rf"-> tuple\[{_FLOAT}, {_FLOAT}\]")


@pytest.mark.parametrize("name", ["no_grad_bare", "enable_grad", "set_grad_enabled", "detect_anomaly"])
def test_grad_mode_decorators_keep_the_type(checked, name):
    _assert_reveals(checked[0], name, rf"def \(a: {_INT}\) -> {_STR}")


def test_no_grad_keeps_keyword_only_parameters(checked):
    _assert_reveals(checked[0], "no_grad", rf"def \(a: {_INT}, \*, b: {_STR} =\) -> {_STR}")


@pytest.mark.parametrize("name, message", [
    ("too_many", "Too many arguments"),
    ("wrong_type", 'Argument 2 has incompatible type "str"; expected "float"'),
    ("missing", "Too few arguments"),
    ("custom_missing", 'Missing positional argument "y"'),
    ("checkpoint_keyword", 'Argument "y" has incompatible type "str"; expected "float"'),
    ("decorated_keyword", 'Argument "b" to "h1" has incompatible type "int"; expected "str"'),
])
def test_wrong_calls_are_reported(checked, name, message):
    errors = checked[1].get(name, [])
    assert any(message in e for e in errors), errors


# ---- the keyword calls the signatures allow ------------------------------------------------


X = np.array([0.3, -1.2, 0.8])


def _scaled_sin(x, scale=1.0):
    return fnp.sin(x) * scale


def _central_jacobian(f, x, eps=1e-6):
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd])
def test_jacobians_pass_keyword_arguments_through(transform):
    jac = transform(_scaled_sin)(X, scale=2.5)
    np.testing.assert_allclose(jac, np.diag(2.5 * np.cos(X)), rtol=1e-12)
    numeric = _central_jacobian(lambda v: np.sin(v) * 2.5, X)
    np.testing.assert_allclose(jac, numeric, rtol=1e-6, atol=1e-8)


def test_hessian_passes_keyword_arguments_through():
    hess = fg.hessian(lambda x, p=1.0: fnp.sum(x ** 3) * p)(X, p=4.0)
    np.testing.assert_allclose(hess, np.diag(24.0 * X), rtol=1e-12)


def test_custom_vjp_takes_arguments_by_keyword():
    @fg.custom_vjp
    def product(x, y):
        return x * y

    # A deliberately wrong rule for x (10 times too large): it shows that the rule ran.
    product.defvjp(lambda x, y: (x * y, (x, y)), lambda res, ct: (10 * ct * res[1], ct * res[0]))
    y = np.array([2.0, 3.0, -1.0])

    def loss(x, y):
        return fnp.sum(product(y=y, x=x))

    gx, gy = fg.grad(loss, argnums=(0, 1))(X, y)
    np.testing.assert_allclose(gx, 10 * y)
    np.testing.assert_allclose(gy, X)
    # The same as by position.
    gx_pos, _ = fg.grad(lambda x, y: fnp.sum(product(x, y)), argnums=(0, 1))(X, y)
    np.testing.assert_allclose(gx, gx_pos)


def test_custom_vjp_fills_in_defaults_when_given_keywords():
    @fg.custom_vjp
    def power(x, n=2.0, scale=1.0):
        return x ** n * scale

    seen = []

    def fwd(x, n, scale):
        seen.append((n, scale))
        return x ** n * scale, (x, n, scale)

    power.defvjp(fwd, lambda res, ct: (ct * res[2] * res[1] * res[0] ** (res[1] - 1), None, None))
    g = fg.grad(lambda x: fnp.sum(power(x, scale=3.0)))(X)
    assert seen == [(2.0, 3.0)]
    np.testing.assert_allclose(g, 6.0 * X)


def test_custom_rules_reject_keyword_only_arguments_given():
    @fg.custom_vjp
    def f(x, *, y=1.0):
        return x * y

    f.defvjp(lambda x: (x, None), lambda res, ct: (ct,))
    with pytest.raises(TypeError, match="keyword-only"):
        fg.grad(lambda x: fnp.sum(f(x, y=2.0)))(X)
    with pytest.raises(TypeError, match="custom_vjp 'f'"):
        f(X, z=1.0)


def test_custom_jvp_takes_arguments_by_keyword():
    @fg.custom_jvp
    def scaled(x, s):
        return x * s

    @scaled.defjvp
    def _(primals, tangents):
        (x, s), (tx, ts) = primals, tangents
        return scaled(x, s), tx * s + x * ts

    g = fg.grad(lambda x: fnp.sum(scaled(s=np.full(3, 1.5), x=x)))(X)
    np.testing.assert_allclose(g, np.full(3, 1.5))
    _, t = fg.jvp(lambda x: scaled(x=x, s=np.full(3, 1.5)), (X,), (np.ones(3),))
    np.testing.assert_allclose(t, np.full(3, 1.5))


def test_checkpoint_takes_arguments_by_keyword():
    block = fg.checkpoint(_scaled_sin)
    g = fg.grad(lambda x: fnp.sum(block(x=x, scale=3.0)))(X)
    np.testing.assert_allclose(g, 3.0 * np.cos(X), rtol=1e-12)
    g_scale = fg.grad(lambda s: fnp.sum(block(X, scale=s)))(3.0)
    np.testing.assert_allclose(g_scale, np.sum(np.sin(X)), rtol=1e-12)

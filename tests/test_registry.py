"""Every primitive's VJP and JVP rules, checked to second order against finite differences."""

import numpy as np
import pytest

from funcgrad.ops import REGISTRY
from funcgrad.testing import GradientCheckError, check_grads, check_primitive

DIFFERENTIABLE = sorted(name for name, p in REGISTRY.items() if p.differentiable)
CASES = [
    pytest.param(REGISTRY[name], sample, id=f"{name}-{k}")
    for name in DIFFERENTIABLE
    for k, sample in enumerate(REGISTRY[name].samples)
]


def test_every_differentiable_primitive_has_a_sample_spec():
    missing = [name for name in DIFFERENTIABLE if not REGISTRY[name].samples]
    assert not missing, f"primitives without a sample spec: {missing}"


def test_node_names_are_derived_from_primitive_names():
    assert REGISTRY["mul"].node_types[0].__name__ == "MulBackward0"
    assert REGISTRY["log_softmax"].node_types[0].__name__ == "LogSoftmaxBackward0"


@pytest.mark.parametrize("prim, sample", CASES)
def test_rules_match_finite_differences(prim, sample):
    check_primitive(prim, sample)


def test_checker_catches_a_wrong_rule():
    """The checker must fail on a wrong derivative, or the registry test proves nothing."""
    from funcgrad.ops import Sample, defprimitive, mul, cos

    def wrong_vjp(g, needs, ans, x):
        return (mul(g, 2.0),)  # d sin / dx is cos x, not 2

    def jvp(t, ans, x):
        return mul(t[0], cos(x))

    bad = defprimitive("bad_sin_for_test", np.sin, wrong_vjp, jvp, save="v", samples=[Sample((3,))])
    try:
        with pytest.raises(GradientCheckError):
            check_primitive(bad, bad.samples[0])
    finally:
        del REGISTRY["bad_sin_for_test"]


def test_check_grads_third_order():
    check_grads(lambda x: (x.sin() * x.exp()).sum(), [np.array([0.3, -0.7, 1.1])], order=3)

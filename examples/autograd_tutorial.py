"""Autograd: automatic differentiation, the PyTorch tutorial run in funcgrad.

The backbone is PyTorch's "Autograd: automatic differentiation" tutorial, with a few
extras from older versions of it: the legacy ``Variable``, ``retain_graph``, the
gradient of a non-scalar output given a vector ``v``, a Jacobian built row by row,
``detach`` and ``no_grad``.  Every ``torch`` of the tutorial is ``funcgrad`` here.

Run it from the repository root::

    python3 examples/autograd_tutorial.py
"""

import funcgrad as fg
from funcgrad.autograd import Variable


def section(title):
    print()
    print(f"--- {title} ---")


def main():
    fg.manual_seed(0)  # the random examples print the same values on every run

    section("Tensor")
    # requires_grad=True makes funcgrad record every operation done on x.
    x = fg.ones(2, 2, requires_grad=True)
    print(x)

    # y is the result of an operation, so it has a grad_fn; x, made by us, has none.
    y = x + 2
    print(y)
    print(y.grad_fn)
    print(x.grad_fn)

    z = y * y * 3
    out = z.mean()
    print(z, out)

    # .requires_grad_() switches tracking on in place (the flag defaults to True).
    a = fg.randn(2, 2)
    a = (a * 3) / (a - 1)
    print(a.requires_grad)
    a.requires_grad_()
    print(a.requires_grad)
    b = (a * a).sum()
    print(b.grad_fn)

    section("Gradients")
    # out holds a single scalar: out.backward() is out.backward(funcgrad.tensor(1.)).
    out.backward()
    # d(out)/dx_i = 3/2 (x_i + 2) = 4.5 at x_i = 1
    print(x.grad)

    section("Variable (legacy)")
    # Since PyTorch 0.4 a Variable is just a Tensor: it prints as one.
    v = Variable(fg.ones(2, 2), requires_grad=True)
    print(v)
    print(v.data)

    section("retain_graph")
    # backward frees the graph's saved values; retain_graph=True keeps them for
    # another pass.  Gradients accumulate into .grad.
    x = fg.ones(2, 2, requires_grad=True)
    out = (x * 2 * (x * 2) * 3).mean()
    out.backward(retain_graph=True)
    print(x.grad)
    out.backward()  # second pass: allowed because the first one retained the graph
    print(x.grad)
    try:
        out.backward()  # third pass: the second one freed the graph
    except RuntimeError as err:
        print("RuntimeError:", str(err).split(" (")[0])

    # A non-scalar output needs the gradient of some scalar with respect to it.
    y = x + 2
    try:
        y.backward()
    except RuntimeError as err:
        print("RuntimeError:", err)
    x.grad.zero_()
    y.backward(fg.full((2, 2), 0.5))
    print(x.grad)

    section("Vector-Jacobian product")
    x = fg.randn(3, requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    print(y)

    # funcgrad cannot build the whole Jacobian in one pass, but given v it computes
    # the product of v with the Jacobian.
    v = fg.tensor([0.1, 1.0, 0.0001], dtype=fg.float)
    y.backward(v, retain_graph=True)
    print(x.grad)

    # The Jacobian row by row: backward from each y[i] in turn, zeroing x.grad in
    # between because gradients accumulate.  y_i = 2^n x_i, so it is 2^n times the
    # identity.
    x.grad.zero_()
    J = []
    for i in range(y.shape[0]):
        y[i].backward(retain_graph=True)
        J.append(x.grad.clone())
        x.grad.zero_()
    print(fg.stack(J))

    section("Chain rule")
    # z = (2x)^3, so dz/dx = 24 x^2.  funcgrad also takes a gradient that broadcasts
    # to the output: [1, 0] weighs column 0 by 1 and column 1 by 0.
    x = fg.randn(2, 2, requires_grad=True)
    z = (2 * x) ** 3
    print(z.shape)
    z.backward(fg.FloatTensor([1, 0]))
    print(x.grad)
    print(24 * x.detach() ** 2)

    section("Stopping the tracking")
    print(x.requires_grad)
    print((x ** 2).requires_grad)
    with fg.no_grad():
        print((x ** 2).requires_grad)

    # detach() gives the same data, cut from the graph.
    y = x.detach()
    print(y.requires_grad)
    print(x.eq(y).all())


if __name__ == "__main__":
    main()

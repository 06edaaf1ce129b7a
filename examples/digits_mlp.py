"""Train a small neural network to read handwritten digits, PyTorch style, with funcgrad.

The data are scikit-learn's 8x8 digit images (1,797 of them, shipped inside scikit-learn:
no download). A quarter is held out as a test set. The model is a two-layer perceptron,
64 -> 128 -> 10 with a ReLU, trained with mini-batches of cross-entropy and
``funcgrad.optim.Adam``: the loop is the one a PyTorch user would write, with
``funcgrad.nn.functional`` in place of ``torch.nn.functional``.

Prints a progress bar (tqdm) while training, then the final train and test accuracy, and
writes a figure of the loss and accuracy curves (matplotlib) to ``--out``.

Run it from the repository root::

    python examples/digits_mlp.py                 # 30 epochs, ~97-98% test accuracy
    python examples/digits_mlp.py --epochs 10 --seed 1 --out /tmp/digits.png
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from tqdm import tqdm  # noqa: E402

import funcgrad as fg  # noqa: E402
import funcgrad.nn.functional as F  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "digits_mlp.png"


def load_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixels scaled to [0, 1] as float32, and a stratified 75/25 train/test split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return train_test_split(x, digits.target, test_size=0.25, random_state=seed,
                            stratify=digits.target)


def init_linear(n_in: int, n_out: int) -> tuple[fg.Tensor, fg.Tensor]:
    """Weights and bias drawn as torch.nn.Linear draws them: U(-1/sqrt(n_in), 1/sqrt(n_in))."""
    bound = 1.0 / math.sqrt(n_in)
    w = (fg.rand(n_out, n_in) * 2 - 1) * bound
    b = (fg.rand(n_out) * 2 - 1) * bound
    return w.requires_grad_(), b.requires_grad_()


class MLP:
    """64 -> hidden -> 10, ReLU in between; the parameters are plain funcgrad Tensors."""

    def __init__(self, n_in: int, hidden: int, n_out: int) -> None:
        self.w1, self.b1 = init_linear(n_in, hidden)
        self.w2, self.b2 = init_linear(hidden, n_out)

    def parameters(self) -> list[fg.Tensor]:
        return [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x: Any) -> Any:
        h = F.relu(F.linear(x, self.w1, self.b1))
        return F.linear(h, self.w2, self.b2)  # logits


def evaluate(model: MLP, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy and accuracy, without recording a graph."""
    with fg.no_grad():
        logits = model(fg.tensor(x))
        loss = F.cross_entropy(logits, fg.tensor(y)).item()
        accuracy = float((logits.argmax(1).numpy() == y).mean())
    return loss, accuracy


def train(epochs: int, seed: int, batch_size: int = 64, lr: float = 3e-3, hidden: int = 128,
          progress: bool = True) -> dict[str, Any]:
    """Train the MLP; return the per-epoch history and the final accuracies."""
    fg.manual_seed(seed)  # the initial weights
    rng = np.random.default_rng(seed)  # the order of the mini-batches
    x_train, x_test, y_train, y_test = load_data(seed)
    model = MLP(x_train.shape[1], hidden, 10)
    optimizer = fg.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc")}

    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress)
    for _ in bar:
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(fg.tensor(x_train[batch])), fg.tensor(y_train[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        for split, (x, y) in {"train": (x_train, y_train), "test": (x_test, y_test)}.items():
            split_loss, split_acc = evaluate(model, x, y)
            history[f"{split}_loss"].append(split_loss)
            history[f"{split}_acc"].append(split_acc)
        bar.set_postfix(loss=f"{history['train_loss'][-1]:.3f}",
                        test_acc=f"{history['test_acc'][-1]:.3f}")
    return {"history": history, "train_accuracy": history["train_acc"][-1], "hidden": hidden,
            "test_accuracy": history["test_acc"][-1], "n_train": len(x_train), "n_test": len(x_test)}


def plot(history: dict[str, list[float]], hidden: int, out: Path) -> None:
    """Loss (left) and accuracy (right) per epoch, train and test, to a PNG."""
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax_loss.plot(epochs, history["train_loss"], label="train", color="tab:blue")
    ax_loss.plot(epochs, history["test_loss"], label="test", color="tab:orange")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", yscale="log",
                title="Loss on the digits (log scale)")
    ax_acc.plot(epochs, 100 * np.asarray(history["train_acc"]), label="train", color="tab:blue")
    ax_acc.plot(epochs, 100 * np.asarray(history["test_acc"]), label="test", color="tab:orange")
    ax_acc.axhline(95, color="gray", linestyle=":", linewidth=1, label="95%")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(min(80, 100 * min(history["test_acc"])), 100.5),
               title=f"Accuracy (final test: {100 * history['test_acc'][-1]:.1f}%)")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"MLP 64-{hidden}-10 on scikit-learn's digits, trained with funcgrad (Adam, batch 64)")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30, help="passes over the training set (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, the weights and the batches (default 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the figure's path (default {DEFAULT_OUT})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    result = train(args.epochs, args.seed, progress=not args.no_progress)
    plot(result["history"], result["hidden"], args.out)
    print(f"trained on {result['n_train']} images for {args.epochs} epochs; "
          f"train accuracy {100 * result['train_accuracy']:.1f}%, "
          f"test accuracy {100 * result['test_accuracy']:.1f}% ({result['n_test']} held-out images)")
    print(f"figure: {args.out}")
    result["out"] = args.out
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

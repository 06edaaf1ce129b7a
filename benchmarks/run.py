"""funcgrad's benchmark suite: one table per workload, funcgrad beside hand-written NumPy
(the limit) and, when installed, PyTorch eager, HIPS autograd, MyGrad and JAX.

Everything is measured in one process, as medians over interleaved rounds, and reported as
ratios to the hand-written NumPy implementation of the same computation; every
implementation's result is checked against the hand-written one before it is timed. Each
bar of DESIGN.md's performance budget is printed as PASS or FAIL with its measured ratio.

    python benchmarks/run.py                      # all workloads, all installed peers
    python benchmarks/run.py --quick              # few repeats, short loops (CI)
    python benchmarks/run.py --only mlp,jacobian  # some workloads (names or numbers)
    python benchmarks/run.py --json               # machine-readable, on stdout
    python benchmarks/run.py --markdown docs/performance.md --plot docs/performance.png

Works from the repository root with funcgrad installed, or with ``PYTHONPATH=.``.

Every library runs on one CPU thread (set before NumPy is imported; PyTorch through
``torch.set_num_threads(1)``, XLA through ``XLA_FLAGS``): with several libraries' thread
pools in one process on a small machine, a pool spinning in the background otherwise slows
another's matrix products several times over. Set ``OPENBLAS_NUM_THREADS`` (and friends)
yourself to measure something else; the machine description records what was used. The
allocator is settled before timing too (see ``_harness.warm_allocator``).

``--profile`` cProfiles funcgrad's cases instead of timing them (with ``--only``).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("XLA_FLAGS",
                      "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _harness  # noqa: E402 - first: finds funcgrad in this clone if it is not installed
import _peers  # noqa: E402


def all_workloads():
    """The workloads in the order of the project's issue (1 to 8)."""
    import bench_derivatives
    import bench_mlp
    import bench_recurrence
    import bench_tiny_ops

    by_key = {w.key: w for mod in (bench_tiny_ops, bench_mlp, bench_derivatives,
                                   bench_recurrence) for w in mod.WORKLOADS}
    order = ["tiny-ops", "mlp", "jacobian", "hessian", "chain", "training", "memory",
             "recurrence"]
    return [by_key[k] for k in order] + [w for k, w in by_key.items() if k not in order]


def select(workloads, only):
    if not only:
        return workloads
    wanted = [name.strip() for item in only for name in item.split(",") if name.strip()]
    chosen = []
    for name in wanted:
        matches = [w for i, w in enumerate(workloads, 1)
                   if name in (w.key, str(i)) or w.key.startswith(name)]
        if not matches:
            keys = ", ".join(f"{i}:{w.key}" for i, w in enumerate(workloads, 1))
            raise SystemExit(f"no workload named {name!r}; there are {keys}")
        chosen += [w for w in matches if w not in chosen]
    return chosen


# ---------------------------------------------------------------------------- running

def profile_workloads(workloads, cfg, top=20, seconds=1.0, out=sys.stdout):
    """cProfile funcgrad's cases: the functions with the most time of their own."""
    import cProfile
    import io
    import pstats

    for w in workloads:
        built = w.build(cfg)
        for case in built.cases:
            if case.kind != _harness.FUNCGRAD or built.metric != "time":
                continue
            once = _harness.time_cases([case], repeat=1, min_sample_s=0, warmup=1)
            calls = max(1, min(1000, int(seconds / max(once[case.name]["median_s"], 1e-6))))
            prof = cProfile.Profile()
            for _ in range(calls):
                state = case.setup() if case.setup else None
                if case.setup:
                    prof.runcall(case.fn, state)
                else:
                    prof.runcall(case.fn)
            text = io.StringIO()
            stats = pstats.Stats(prof, stream=text).strip_dirs().sort_stats("tottime")
            stats.print_stats(top)
            body = text.getvalue()
            body = body[body.find("   ncalls"):] if "   ncalls" in body else body
            print(f"\n[{w.key}] {case.name}: cProfile over {calls} calls, by own time "
                  f"(cProfile inflates call-heavy code)\n{body.rstrip()}", file=out)


def run_workloads(workloads, cfg, log=sys.stderr):
    results = {}
    numbers = {w.key: i for i, w in enumerate(all_workloads(), 1)}
    for w in workloads:
        start = time.perf_counter()
        print(f"[{numbers.get(w.key, '?')}] {w.key}: checking results ...", file=log, flush=True)
        entry = {"number": numbers.get(w.key), "title": w.title, "description": w.description}
        try:
            built = w.build(cfg)
            print(f"[{numbers.get(w.key, '?')}] {w.key}: measuring {len(built.cases)} "
                  f"implementations ...", file=log, flush=True)
            measured = _harness.measure(built, cfg)
        except Exception as exc:   # noqa: BLE001 - one broken workload must not stop the rest
            import traceback

            entry["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            traceback.print_exc(file=log)
            results[w.key] = entry
            continue
        entry.update(title=built.title or w.title, metric=built.metric, unit=built.unit,
                     per=built.per, baseline=built.baseline, notes=built.notes, **measured)
        entry["elapsed_s"] = time.perf_counter() - start
        results[w.key] = entry
    return results


# ---------------------------------------------------------------------------- text tables

def table_rows(entry):
    """(header, rows) for one workload, as strings; shared by the text and Markdown tables."""
    memory = entry["metric"] == "memory"
    header = ["implementation", "peak" if memory else "median"]
    if entry.get("unit"):
        header.append(f"per {entry['unit']}")
    header.append("vs NumPy")
    if not memory:
        header.append("IQR")
    rows = []
    for name, r in entry["rows"].items():
        if "error" in r:
            rows.append([name, "failed: " + r["error"]] + [""] * (len(header) - 2))
            continue
        row = [name, _harness.fmt_bytes(r["peak_bytes"]) if memory
               else _harness.fmt_time(r["median_s"])]
        if entry.get("unit"):
            row.append(_harness.fmt_time(r.get("per_unit_s")))
        row.append(_harness.fmt_ratio(r["ratio"]))
        if not memory:
            row.append(f"{100 * r['spread']:.0f}%")
        rows.append(row)
    return header, rows


def print_tables(machine, results, notes, out=sys.stdout):
    print(f"machine: {machine['cpu']}, {machine['usable_cores']} cores; "
          + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()), file=out)
    if machine.get("funcgrad_revision"):
        print(f"funcgrad at {machine['funcgrad_revision']}", file=out)
    for note in notes:
        print(f"note: {note}", file=out)
    for key, entry in results.items():
        print(f"\n[{entry.get('number', '?')}] {key}: {entry['title']}", file=out)
        if "error" in entry:
            print(f"  ERROR: {entry['error']}", file=out)
            continue
        header, rows = table_rows(entry)
        _harness.print_workload(header, rows, entry["notes"], entry["bars"], out)
    bars = [(k, b) for k, e in results.items() for b in e.get("bars", [])]
    if bars:
        counts = {s: sum(b["status"] == s for _, b in bars) for s in ("PASS", "FAIL", "SKIP")}
        print(f"\nbars: {counts['PASS']} pass, {counts['FAIL']} fail"
              + (f", {counts['SKIP']} skipped (peer missing)" if counts["SKIP"] else ""), file=out)
        for key, b in bars:
            print(f"  {b['status']:4s}  [{key}] {b['label']}: {b['detail']}", file=out)


# ---------------------------------------------------------------------------- markdown

MARKDOWN_INTRO = """\
# Performance

This page is generated by `python benchmarks/run.py --markdown docs/performance.md`
(add `--plot docs/performance.png` for the chart); numbers move as funcgrad changes, so
regenerate rather than edit it.

## What is measured

Each workload is one computation written several times: with funcgrad, by hand in NumPy
(the forward pass and the derivative written out, which is the limit an autodiff library
on NumPy can approach), and, when installed, with PyTorch eager (CPU, one thread), HIPS
autograd, MyGrad and JAX (eager; `jax.jit` only for reference, since compiling removes
the per-op cost the other columns pay). Before timing, every implementation's result is
checked against the hand-written one. All are measured in one process: each round runs
every implementation once, in turn, and a time is the median over the rounds, so a slow
spell on a busy machine touches every column alike ("IQR" is the interquartile range of
the rounds over their median: how noisy a row was). Ratios are to the hand-written NumPy
time ("vs NumPy"); the bars are DESIGN.md's performance budget.

Two settings keep the numbers about the libraries rather than the process. Every library
runs on one CPU thread (NumPy's BLAS, PyTorch, XLA): several thread pools in one process on
a small machine otherwise slow each other's matrix products several times over. And the
allocator is put in its steady state before timing (one 31 MiB block allocated and freed):
otherwise glibc hands memory at the heap's top back to the OS between calls until some
large block has been freed, so whether a call page-faults its temporaries in again (the
512x512 Jacobian: 6 ms instead of 0.9 ms) depends on which library happened to run before.

1. **tiny-ops**: 600 elementwise ops (mul, add, sin, tanh) on a float32 vector of four
   elements, forward and backward, reported per op: the cost of recording and replaying
   one operation, since the arithmetic is negligible.
2. **mlp**: one gradient of a 784-512-10 MLP (tanh, softmax cross-entropy) on a batch of
   256, float32, through the Tensor (`loss.backward()`) and through `fg.value_and_grad`
   over a dict of parameters. Matrix products dominate; the bar asks for little overhead
   beyond them.
3. **jacobian** and 4. **hessian**: the full 512x512 Jacobian of `tanh(W@x+b)*x` and the
   full 256x256 Hessian of `sum(tanh(A@x))`, float64, against the closed forms.
5. **chain**: the backward pass alone of a 10,000-op chain (the graph built untimed), which
   must also run without a RecursionError.
6. **training**: 1,000 SGD steps of a 64-64-1 MLP on batches of 32 (forward, backward, an
   update under `no_grad`), reported per step: small arrays, so per-op overhead dominates.
7. **memory**: peak memory of one forward and backward pass of the mlp workload's model,
   through `tracemalloc` (NumPy reports its buffers to it; PyTorch and JAX do not, so they
   are left out).
8. **recurrence**: `fg.grad` of a 1,000-step scalar recurrence
   `x = sin(x) * a + 0.1 * x`, Python floats in and out: Python-loop-heavy user code.
"""


def _md_table(header, rows, left=1):
    """A Markdown table; the first ``left`` columns are text, the rest numbers."""
    align = ["---"] * left + ["---:"] * (len(header) - left)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_markdown(path, machine, results, notes, cfg, plot=None):
    parts = [MARKDOWN_INTRO, "## Machine\n"]
    m = machine
    desc = [["CPU", m["cpu"]], ["cores", f"{m['usable_cores']} usable of {m['cores']}"],
            ["platform", m["platform"]], ["BLAS", m["blas"]],
            ["threads", m["thread_settings"] if isinstance(m["thread_settings"], str)
             else ", ".join(f"{k}={v}" for k, v in m["thread_settings"].items())]]
    desc += [[k, v] for k, v in m["versions"].items()]
    if m.get("funcgrad_revision"):
        desc.append(["funcgrad revision", m["funcgrad_revision"]])
    desc += [["run", f"`{m['argv']}`" + (" (quick: fewer repeats, shorter loops)" if cfg.quick
                                         else "")],
             ["date", m["date"]]]
    parts.append(_md_table(["", ""], desc, left=2))
    if notes:
        parts.append("\n".join(f"- {n}" for n in notes))
    bars = [(k, e, b) for k, e in results.items() for b in e.get("bars", [])]
    if bars:
        parts.append("## Bars\n")
        parts.append(_md_table(["workload", "bar", "measured", "result"],
                               [[f"{e['number']}. {k}", b["label"],
                                 b["detail"].split(" (bar")[0], f"**{b['status']}**"]
                                for k, e, b in bars], left=2))
    if plot:
        parts.append(f"![ratios to hand-written NumPy]({Path(plot).name})")
    parts.append("## Results\n")
    for key, entry in results.items():
        parts.append(f"### {entry.get('number', '?')}. {key}: {entry['title']}\n")
        if "error" in entry:
            parts.append(f"Error: `{entry['error']}`")
            continue
        parts.append(entry["description"][:1].upper() + entry["description"][1:])
        parts.append(_md_table(*table_rows(entry)))
        extra = [f"note: {n}" for n in entry["notes"]]
        extra += [f"**{b['status']}** {b['label']}: {b['detail']}" for b in entry["bars"]]
        if extra:
            parts.append("\n".join(f"- {x}" for x in extra))
    Path(path).write_text("\n\n".join(p.rstrip("\n") for p in parts) + "\n")


# ---------------------------------------------------------------------------- plot

COLORS = {"limit": "#7f7f7f", "funcgrad": "#d62728", "peer": "#1f77b4", "reference": "#aec7e8"}


def write_plot(path, results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    entries = [(k, e) for k, e in results.items() if "rows" in e]
    if not entries:
        return
    cols = 2
    rows = (len(entries) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.2 + 2.3 * rows), squeeze=False)
    for ax, (key, entry) in zip(axes.flat, entries):
        items = [(n, r) for n, r in entry["rows"].items() if "ratio" in r]
        names = [n for n, _ in items][::-1]
        ratios = [r["ratio"] for _, r in items][::-1]
        # bars grow from 1 (as fast as NumPy): right is slower, left faster
        ax.barh(names, [r - 1 for r in ratios], left=1,
                color=[COLORS.get(r["kind"], "#999") for _, r in items][::-1])
        ax.set_xscale("log")
        lo, hi = min(ratios + [1.0]), max(ratios + [1.0])
        limits = [b["limit"] * entry["rows"].get(b["against"] or "", {}).get("ratio", 0)
                  for b in entry["bars"] if b["limit"]]
        hi = max([hi] + limits)
        ax.set_xlim(lo / 1.5, hi * 1.8)
        wide = hi / lo > 1000
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1,) if wide else (1, 2, 5)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="black", lw=0.8)
        for b in entry["bars"]:     # where funcgrad's bar lies, on the same scale
            against = entry["rows"].get(b["against"] or "", {}).get("ratio")
            if b["limit"] and against:
                ax.axvline(b["limit"] * against, color="#d62728", ls="--", lw=0.8)
        for y, r in enumerate(ratios):
            ax.text(r, y, f" {_harness.fmt_ratio(r)}", va="center", fontsize=7)
        ax.set_title(f"{entry.get('number', '?')}. {key}", fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        what = "peak memory" if entry["metric"] == "memory" else "time"
        ax.set_xlabel(f"{what} / hand-written NumPy (log scale)", fontsize=7)
    for ax in list(axes.flat)[len(entries):]:
        ax.axis("off")
    fig.suptitle("time (or memory) relative to hand-written NumPy: left of 1x is faster, "
                 "right slower; dashed: funcgrad's bar", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[8:14]))
    p.add_argument("--only", action="append", metavar="NAME",
                   help="run only these workloads (name, prefix or number; comma-separated "
                        "or repeated)")
    p.add_argument("--quick", action="store_true",
                   help="few repeats, shorter loops (training, recurrence): under a minute, "
                        "for CI")
    p.add_argument("--repeat", type=int, help="rounds of timing (default: per workload)")
    p.add_argument("--json", nargs="?", const="-", metavar="PATH",
                   help="write machine-readable results (to stdout, or PATH)")
    p.add_argument("--markdown", metavar="PATH", help="write the tables and the machine's "
                   "description as Markdown (e.g. docs/performance.md)")
    p.add_argument("--plot", metavar="PATH",
                   help="bar chart of the ratios (needs matplotlib), e.g. docs/performance.png")
    p.add_argument("--peers", default=",".join(_peers.PEERS),
                   help="peers to include if installed (default: %(default)s)")
    p.add_argument("--no-peers", action="store_true", help="funcgrad and NumPy only")
    p.add_argument("--fail-on-bar", action="store_true",
                   help="exit with status 1 when a bar fails (errors always do)")
    p.add_argument("--profile", action="store_true",
                   help="instead of timing, cProfile funcgrad's cases and print the top "
                        "functions (use with --only)")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    return p.parse_args(argv)


def main(argv=None, only=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    workloads = all_workloads()
    if args.list:
        for i, w in enumerate(workloads, 1):
            print(f"{i}. {w.key:11s} {w.title}")
        return None
    chosen = select(workloads, (only or []) + (args.only or []) if only or args.only else None)
    names = [] if args.no_peers else [n.strip() for n in args.peers.split(",") if n.strip()]
    peers, notes = _peers.load_peers(names)
    if args.quick:
        notes.append("--quick: fewer repeats, and fewer steps in the loop workloads "
                     "(training, recurrence); ratios are noisier")
    cfg = _harness.Config(quick=args.quick, repeat=args.repeat, peers=peers,
                          min_sample_s=0.002 if args.quick else 0.01)
    if args.profile:
        profile_workloads(chosen, _harness.Config(quick=args.quick, peers={}))
        return None
    machine = _peers.describe_machine(peers)
    results = run_workloads(chosen, cfg)
    doc = {"machine": machine, "notes": notes, "quick": args.quick, "workloads": results}
    if args.json:
        text = json.dumps(doc, indent=2, default=str)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    if args.json != "-":
        print_tables(machine, results, notes)
    if args.plot:
        try:
            write_plot(args.plot, results)
        except ImportError:
            print("--plot needs matplotlib: no chart written", file=sys.stderr)
            args.plot = None
    if args.markdown:
        write_markdown(args.markdown, machine, results, notes, cfg, plot=args.plot)
    failed = any("error" in e for e in results.values())
    bar_failed = any(b["status"] == "FAIL" for e in results.values() for b in e.get("bars", []))
    if failed or (args.fail_on_bar and bar_failed):
        raise SystemExit(1)
    return doc


if __name__ == "__main__":
    main()

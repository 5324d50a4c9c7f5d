"""margin-lab benchmarks: one table of times and ratios, all measured in this one run.

    python benchmarks/run.py                   # everything (the lessons take longest)
    python benchmarks/run.py --skip-lessons    # without executing the lessons

Rows (targets from the project's performance issue; ratios compare two timings of this run on
this machine, so they travel between machines better than seconds do):

1. Monte Carlo throughput: path-steps per second of ``liquidation_probability`` divided by the
   normal variates per second of ``rng.standard_normal`` alone (float64, the same count, one
   call). Target >= 0.6. The Monte Carlo runs antithetic pairs (one normal drives a path and
   its mirror image), so the next row also shows the normals it actually draws per second
   against numpy's: the work done per normal, without the pairing.
2. Monte Carlo against a plain Python loop over paths and steps (``math`` and ``random.gauss``)
   doing the same work, every step of every path, timed on fewer paths and scaled per path.
   Target >= 50x. Also shown: the loop that stops a path at its liquidation. The Monte Carlo
   has no early exit (it is not needed for the targets), so on a case where most paths are
   liquidated early, like this one, that loop skips most of its steps and the ratio is far lower.
3. ``simulate_modes`` for a three-position portfolio, 10,000 paths × 365 daily steps, both
   modes, in a fresh subprocess: time (target < 1 s) and peak memory (target < 300 MB), as the
   tracemalloc peak (Python and NumPy allocations) and the process's peak resident set size.
3b. ``own_book`` on the learner's question of issue 15 (10x BTC long + 5x ETH long, 3,000 USDT),
   10,000 paths × 30 days, all four margin assignments, in a fresh subprocess: target < 2 s.
4. ``import margin_lab`` in a fresh interpreter, median of 7 (reported, no target).
5. Each explorer's callback (``Explorer.set``: compute, draw, PNG, outputs), median over every
   control moved five times, beside the matplotlib floor (one labelled line to PNG) measured in
   the same run. Target < 100 ms.
5b. The compute step alone (no drawing) of the position manager (``managed_position``, every
   path with a full plan: median, target < 50 ms) and of the cross explorer
   (``cross_vs_isolated``, three longs on the grind: median of 5, target < 100 ms), which the unit
   tests used to time.
6. What a learner waits for in the browser: a slider key press to the new image painted, per
   explorer, in headless Chromium (``benchmarks/browser.py``; ``--skip-browser`` leaves it out).
   Target < 250 ms.
7. Each lessons/NN_*.ipynb executed headless with nbclient (reported, no target).

Timings take the best of several repeats (the least disturbed by other processes). Nothing is
written anywhere: the table goes to standard output. Not a test: no run fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from margin_lab.closed_form import _log_barrier  # noqa: E402
from margin_lab.simulate import liquidation_probability  # noqa: E402

# One position for rows 1 and 2: 10x long, 0.5 % maintenance, 80 % volatility, a year of daily checks.
CASE = dict(side="long", leverage=10, maintenance_rate=0.005, annual_volatility=0.8, days=365)
MC_PATHS = 20_000
LOOP_PATHS = 300

PORTFOLIO_SCRIPT = """
import json, resource, time, tracemalloc
from margin_lab.simulate import LegSpec, PortfolioSpec, simulate_modes
book = PortfolioSpec((LegSpec("BTC", "long", 5, 1_000, annual_volatility=0.6),
                      LegSpec("ETH", "long", 10, 1_000, annual_volatility=0.75),
                      LegSpec("SOL", "short", 3, 1_000, annual_volatility=1.0)), correlation=0.7)
times = []
for _ in range(3):
    start = time.perf_counter()
    simulate_modes(book, 10_000, 365, seed=1)
    times.append(time.perf_counter() - start)
tracemalloc.start()
simulate_modes(book, 10_000, 365, seed=1)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"first": times[0], "best": min(times), "traced_mb": peak / 1e6, "rss_mb": rss_kib * 1024 / 1e6}))
"""


def best_time(function, repeats: int = 5) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def python_loop(n_paths: int, n_steps: int, *, early_exit: bool, seed: int = 0) -> float:
    """The straightforward version: one path at a time, one step at a time, with ``random.gauss``.

    ``early_exit=False`` does the Monte Carlo's work (every step of every path is drawn and
    checked); ``early_exit=True`` stops a path at its liquidation, less work for the same answer.
    """
    rng = random.Random(seed)
    dt = CASE["days"] / 365 / n_steps
    vol = CASE["annual_volatility"]
    threshold = _log_barrier(1, CASE["leverage"], CASE["maintenance_rate"])
    drift_step, vol_step = -0.5 * vol * vol * dt, vol * math.sqrt(dt)
    hits = 0
    for _ in range(n_paths):
        log_price, hit = 0.0, False
        for _ in range(n_steps):
            log_price += drift_step + vol_step * rng.gauss(0.0, 1.0)
            if log_price <= threshold:
                hit = True
                if early_exit:
                    break
        hits += hit
    return hits / n_paths


def monte_carlo_rows() -> list[tuple[str, str, str, str]]:
    n_steps = CASE["days"]
    variates = MC_PATHS * n_steps
    rng = np.random.default_rng(0)

    def numpy_one_call():
        rng.standard_normal(variates)

    def monte_carlo():
        liquidation_probability(**CASE, paths=MC_PATHS, seed=0)

    monte_carlo()  # warm-up
    mc = best_time(monte_carlo)
    one_call = best_time(numpy_one_call)
    loop = best_time(lambda: python_loop(LOOP_PATHS, n_steps, early_exit=False), repeats=3)
    loop_exit = best_time(lambda: python_loop(LOOP_PATHS, n_steps, early_exit=True), repeats=3)
    speedup = (loop / LOOP_PATHS) / (mc / MC_PATHS)
    speedup_exit = (loop_exit / LOOP_PATHS) / (mc / MC_PATHS)
    drawn = (MC_PATHS + 1) // 2 * n_steps  # antithetic pairs: one normal per two path-steps
    return [
        ("MC path-steps/s (liquidation_probability)", f"{variates / mc / 1e6:.1f} M/s", "", ""),
        ("numpy standard_normal variates/s (one call)", f"{variates / one_call / 1e6:.1f} M/s", "", ""),
        ("MC path-steps/s / numpy variates/s", f"{one_call / mc:.2f}", ">= 0.6", _verdict(one_call / mc >= 0.6)),
        ("MC normals drawn/s / numpy variates/s", f"{drawn / mc / (variates / one_call):.2f}", "(info)", ""),
        (f"MC vs Python loop, same work ({LOOP_PATHS} paths, scaled)", f"{speedup:.0f}x", ">= 50x",
         _verdict(speedup >= 50)),
        ("MC vs Python loop stopping paths at liquidation", f"{speedup_exit:.0f}x", "(info)", ""),
    ]


def portfolio_rows() -> list[tuple[str, str, str, str]]:
    result = subprocess.run([sys.executable, "-c", PORTFOLIO_SCRIPT], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    return [
        ("simulate_modes 3 legs, 10k x 365, both modes", f"{numbers['best']:.2f} s (first {numbers['first']:.2f} s)",
         "< 1 s", _verdict(numbers["best"] < 1.0)),
        ("  peak memory, tracemalloc", f"{numbers['traced_mb']:.0f} MB", "< 300 MB", _verdict(numbers["traced_mb"] < 300)),
        ("  peak memory, process max RSS", f"{numbers['rss_mb']:.0f} MB", "< 300 MB", _verdict(numbers["rss_mb"] < 300)),
    ]


OWN_BOOK_SCRIPT = """
import json, time
from margin_lab.studies.own_book import OwnLeg, own_book
legs = [OwnLeg("BTC", "long", 10, 1_500), OwnLeg("ETH", "long", 5, 1_500)]
times = []
for _ in range(3):
    start = time.perf_counter()
    own_book(legs, 3_000, 30, n_paths=10_000, seed=1)
    times.append(time.perf_counter() - start)
print(json.dumps({"first": times[0], "best": min(times)}))
"""


def own_book_rows() -> list[tuple[str, str, str, str]]:
    """The learner's question of issue 15 on the own-book call: a 10x BTC long and a 5x ETH long
    with 3,000 USDT, every margin assignment, 10,000 paths x 30 daily steps, fees and funding on,
    standard errors included, in a fresh subprocess (the first run includes loading the sample)."""
    result = subprocess.run([sys.executable, "-c", OWN_BOOK_SCRIPT], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    return [("own_book 10x BTC + 5x ETH, 3,000 USDT, 10k x 30, 4 assignments",
             f"{numbers['best']:.2f} s (first {numbers['first']:.2f} s)", "< 2 s", _verdict(numbers["first"] < 2.0))]


def import_rows(repeats: int = 7) -> list[tuple[str, str, str, str]]:
    def median_run(code: str) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    bare = median_run("pass")
    with_import = median_run("import margin_lab")
    return [("import margin_lab (fresh interpreter)", f"{with_import * 1e3:.0f} ms ({(with_import - bare) * 1e3:.0f} ms"
             f" over a bare start)", "(info)", "")]


def lesson_rows() -> list[tuple[str, str, str, str]]:
    notebooks = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        return [("lessons executed headless", "no lessons/NN_*.ipynb yet", "(info)", "")]
    import nbformat
    from nbclient import NotebookClient

    rows, total = [], 0.0
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        try:
            client.execute()
            shown = f"{time.perf_counter() - start:.1f} s"
        except Exception as error:  # a broken lesson is reported, the table still prints
            shown = f"failed after {time.perf_counter() - start:.1f} s: {type(error).__name__}"
        rows.append((f"lesson {path.name}", shown, "(info)", ""))
        total += time.perf_counter() - start
    rows.append(("all lessons executed headless", f"{total:.1f} s", "< 60 s", _verdict(total < 60)))
    return rows


def _bare_figure_time() -> float:
    """Seconds to draw one labelled line on a fresh 720x360 figure and encode it as PNG."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    start = time.perf_counter()
    fig = Figure(figsize=(7.2, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot(np.linspace(0, 1, 201), np.linspace(1, 2, 201), label="price")
    ax.set(title="floor", xlabel="time (days)", ylabel="price (USDT)")
    fig.savefig(io.BytesIO(), format="png")
    return time.perf_counter() - start


def widget_rows(repeats: int = 5) -> list[tuple[str, str, str, str]]:
    """Median time of one callback (compute, draw, PNG, outputs) per explorer, over every control."""
    import margin_lab.widgets as kit

    floor = statistics.median(_bare_figure_time() for _ in range(9))
    rows = [("matplotlib floor: one-line figure to PNG", f"{floor * 1e3:.0f} ms", "(info)", "")]
    for name in sorted(n for n in kit.__all__ if n.endswith("_explorer")):
        explorer = getattr(kit, name)()
        if not isinstance(explorer, kit.Explorer):
            rows.append((f"widget {name}", "not an Explorer: not timed", "(info)", ""))
            continue
        times = []
        for control_name, control in explorer.controls.items():
            for _ in range(repeats):
                value = kit.another_value(control)
                start = time.perf_counter()
                explorer.set(**{control_name: value})
                times.append(time.perf_counter() - start)
        median = statistics.median(times)
        rows.append((f"widget {name} callback median",
                     f"{median * 1e3:.0f} ms ({len(times)} moves; {median / floor:.1f}x the floor)",
                     "< 100 ms", _verdict(median < 0.1)))
    return rows


def compute_rows(repeats: int = 5) -> list[tuple[str, str, str, str]]:
    """Median time of two explorers' compute steps alone, with the plans the unit tests used."""
    from margin_lab import MANAGE_PATHS, cross_vs_isolated, managed_position

    plans = [dict(path=path, add_margin=1_000, reduce_fraction=0.5, reduce_day=40, stop_loss=15_000,
                  funding_rate=0.0002) for path in MANAGE_PATHS]
    managed_position()  # imports and cached paths, as a learner's first move has them
    times = []
    for plan in plans * 2:
        start = time.perf_counter()
        managed_position(**plan)
        times.append(time.perf_counter() - start)
    manage = statistics.median(times)
    cross_vs_isolated("three_longs", "grind")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        cross_vs_isolated("three_longs", "grind", leverage=3)
        times.append(time.perf_counter() - start)
    cross = statistics.median(times)
    return [(f"compute managed_position, full plan, median of {2 * len(plans)}", f"{manage * 1e3:.1f} ms",
             "< 50 ms", _verdict(manage < 0.05)),
            (f"compute cross_vs_isolated three longs, median of {repeats}", f"{cross * 1e3:.1f} ms",
             "< 100 ms", _verdict(cross < 0.1))]


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-lessons", action="store_true", help="do not execute the lesson notebooks")
    parser.add_argument("--skip-browser", action="store_true",
                        help="do not time explorers in headless Chromium (benchmarks/browser.py)")
    args = parser.parse_args(argv)
    print(f"margin-lab benchmarks: Python {sys.version.split()[0]}, NumPy {np.__version__}, "
          f"{__import__('os').cpu_count()} CPUs")
    rows = monte_carlo_rows() + portfolio_rows() + own_book_rows() + import_rows() + widget_rows() + compute_rows()
    if not args.skip_browser:
        from browser import browser_rows

        rows += browser_rows()
    if not args.skip_lessons:
        rows += lesson_rows()
    widths = [max(len(row[i]) for row in rows + [("measure", "measured", "target", "")]) for i in range(4)]
    header = ("measure", "measured", "target", "")
    for row in [header] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up time of the CLI against a bare import of the libraries it is built on.

Cases, each in a fresh interpreter (the venv's, ``sys.executable``):

* ``baseline``: ``python -c "import typer, pydantic, pluggy"`` (what any typer + pydantic +
  pluggy tool pays before doing anything);
* ``floor``: the baseline plus defining one trivial pydantic model, which makes pydantic import
  the machinery it defers until the first model (no targets; it shows what is reachable: any
  command that builds a model pays it);
* ``wijkteamkit --help``;
* ``wijkteamkit validate --all`` (every installed municipality plugin: discover, import, merge,
  validate);
* ``wijkteamkit validate nijmegen`` and ``wijkteamkit show nijmegen --format json`` (one
  municipality, text and JSON output).

Every case runs once to warm the file cache and write ``.pyc`` files, then ``--repeat`` times,
the cases interleaved (one run of each in turn), so that a change in the machine's load shifts
every case alike and the ratios stay meaningful. The table gives the median and minimum wall
time, the ratio of the median to the baseline's median (``x baseline``, which the targets are
about), and the median CPU time (user + system) of the child and its ratio to the baseline's
(``cpu x``): steadier on a machine busy with other work, where waiting for a core inflates the
wall time.
``--check`` exits 1 when a case with a target (``--help`` 1.5x, ``validate --all`` 2.5x: issue
10's) is slower than its target, by the median.

Run: ``.venv/bin/python benchmarks/startup.py [--repeat 15] [--check]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

UNSET_ENV = ("WIJKTEAMKIT_PLUGIN_DIR", "WIJKTEAMKIT_LOAD_PLUGINS", "PYTHONDONTWRITEBYTECODE")
"""Unset for the runs, as on a user's machine: only the installed plugins count, and the warm-up
run writes the ``.pyc`` files (without them every run compiles the changed modules again)."""

FINDINGS = (0, 1)
"""Exit codes of a ``validate`` that worked (1: it found errors in a setup)."""


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    target: float | None = None
    """Largest allowed ratio of the median to the baseline's median, if any."""
    codes: tuple[int, ...] = (0,)
    """Exit codes of a run that worked."""


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    """User + system time of the child process: what it costs, whatever else the machine runs."""


@dataclass(frozen=True)
class Timing:
    case: Case
    median: float
    best: float
    cpu: float
    """Median CPU time."""


def cases() -> list[Case]:
    python = sys.executable
    script = Path(python).with_name("wijkteamkit")
    cli = (
        [str(script)]
        if script.exists()
        else [python, "-c", "from wijkteamkit.cli.app import main; main()"]
    )
    return [
        Case(
            "baseline: import typer, pydantic, pluggy",
            [python, "-c", "import typer, pydantic, pluggy"],
        ),
        Case(
            "floor: + one trivial pydantic model",
            [
                python,
                "-c",
                "import typer, pydantic, pluggy\nclass M(pydantic.BaseModel):\n    x: int",
            ],
        ),
        Case("wijkteamkit --help", [*cli, "--help"], target=1.5),
        Case("wijkteamkit validate --all", [*cli, "validate", "--all"], target=2.5, codes=FINDINGS),
        Case("wijkteamkit validate nijmegen", [*cli, "validate", "nijmegen"], codes=FINDINGS),
        Case(
            "wijkteamkit show nijmegen --format json",
            [*cli, "show", "nijmegen", "--format", "json"],
        ),
    ]


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(case: Case, env: dict[str, str]) -> Sample:
    start, cpu = time.perf_counter(), _child_cpu()
    done = subprocess.run(case.argv, env=env, capture_output=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _child_cpu() - cpu
    if done.returncode not in case.codes or b"Traceback" in done.stderr:
        raise SystemExit(
            f"{case.name} failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
            f"{done.stdout.decode()[-2000:]}"
        )
    return Sample(elapsed, cpu)


def measure(all_cases: list[Case], repeat: int, env: dict[str, str]) -> list[Timing]:
    for case in all_cases:
        run_once(case, env)  # warm the file cache and write .pyc files; not counted
    samples: dict[str, list[Sample]] = {case.name: [] for case in all_cases}
    for _ in range(repeat):
        for case in all_cases:
            samples[case.name].append(run_once(case, env))
    timings = []
    for case in all_cases:
        wall = [s.wall for s in samples[case.name]]
        cpu = [s.cpu for s in samples[case.name]]
        timings.append(Timing(case, statistics.median(wall), min(wall), statistics.median(cpu)))
    return timings


def report(timings: list[Timing]) -> list[str]:
    """Print the table; return the cases slower than their target."""
    baseline = timings[0].median
    width = max(len(t.case.name) for t in timings)
    cpu = timings[0].cpu
    print(
        f"{'case':<{width}} {'median ms':>10} {'min ms':>8} {'x baseline':>11} "
        f"{'cpu ms':>7} {'cpu x':>6} {'target':>7}"
    )
    over: list[str] = []
    for t in timings:
        ratio = t.median / baseline
        target = f"{t.case.target:.1f}x" if t.case.target is not None else ""
        print(
            f"{t.case.name:<{width}} {t.median * 1000:>10.1f} {t.best * 1000:>8.1f} "
            f"{ratio:>11.2f} {t.cpu * 1000:>7.1f} {t.cpu / cpu:>6.2f} {target:>7}"
        )
        if t.case.target is not None and ratio > t.case.target:
            over.append(f"{t.case.name}: {ratio:.2f}x the baseline, target {t.case.target:.1f}x")
    return over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=15, help="runs per case (default 15)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a case misses its target")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    env = {key: value for key, value in os.environ.items() if key not in UNSET_ENV}
    print(f"python {sys.version.split()[0]} ({sys.executable}); {args.repeat} runs per case")
    over = report(measure(cases(), args.repeat, env))
    if args.check and over:
        for line in over:
            print(f"too slow: {line}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()

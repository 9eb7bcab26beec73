"""Start-up time: each case runs in a fresh interpreter, N times; median and minimum.

Cases:

* ``baseline``: ``python -c "import pydantic, pluggy"`` (the two libraries the core builds on);
* ``import``: ``python -c "import wijkteamkit"`` (the package is lazy: domain models load on use);
* ``load``: ``load_municipality("GM9901", plugin_files=[benchtown.py])`` (national defaults +
  the benchmark plugin file, merged and validated by pydantic);
* ``cli validate``: ``wijkteamkit validate GM9901 --plugin-file benchtown.py`` (the console
  script; typer, rich and the validation rules on top of ``load``).

Run: ``.venv/bin/python benchmarks/startup.py [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHTOWN = HERE / "benchtown.py"
CODE = "GM9901"


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]


@dataclass(frozen=True)
class Timing:
    case: Case
    median: float
    best: float


def cases() -> list[Case]:
    python = sys.executable
    cli = Path(python).with_name("wijkteamkit")
    cli_argv = (
        [str(cli)]
        if cli.exists()
        else [python, "-c", "from wijkteamkit.cli.app import main; main()"]
    )
    load = (
        "from wijkteamkit import load_municipality; "
        f"load_municipality({CODE!r}, plugin_files=[{str(BENCHTOWN)!r}])"
    )
    return [
        Case("baseline: import pydantic, pluggy", [python, "-c", "import pydantic, pluggy"]),
        Case("import wijkteamkit", [python, "-c", "import wijkteamkit"]),
        Case("load_municipality (benchtown)", [python, "-c", load]),
        Case(
            "cli: wijkteamkit validate",
            [*cli_argv, "validate", CODE, "--plugin-file", str(BENCHTOWN)],
        ),
    ]


def run_once(case: Case, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(case.argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"{case.name} failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
            f"{done.stdout.decode()[-2000:]}"
        )
    return elapsed


def measure(case: Case, repeat: int, env: dict[str, str]) -> Timing:
    run_once(case, env)  # warm the OS file cache and write .pyc files; not counted
    samples = [run_once(case, env) for _ in range(repeat)]
    return Timing(case, statistics.median(samples), min(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=15, help="runs per case (default 15)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    env = dict(os.environ)
    # Only the benchmark plugin file: installed municipality plugins are discovered but, since
    # the municipality is asked for by CBS code, not imported.
    env.pop("WIJKTEAMKIT_PLUGIN_DIR", None)
    print(f"python {sys.version.split()[0]} ({sys.executable}); {args.repeat} runs per case")
    timings = [measure(case, args.repeat, env) for case in cases()]
    baseline = timings[0].median
    print(f"{'case':<36} {'median ms':>10} {'min ms':>8} {'x baseline':>11}")
    for t in timings:
        print(
            f"{t.case.name:<36} {t.median * 1000:>10.1f} {t.best * 1000:>8.1f} "
            f"{t.median / baseline:>11.2f}"
        )


if __name__ == "__main__":
    main()

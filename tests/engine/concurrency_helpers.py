"""Several OS processes acting on one database at once (spawned, so nothing is shared).

Each child opens its own engine and plugin manager, then runs rounds: in every round all
children wait at a barrier and perform their step at the same moment; the outcome of each step
("ok", the casework error's class name, or ``RAW <class>`` for anything else) goes back to the
parent through a queue.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections.abc import Sequence
from typing import Any

Step = tuple[str, str, tuple[Any, ...]]
"""(actor role, operation name, arguments); an empty operation name sits the round out."""

ROUND_TIMEOUT = 120.0


def child(
    url: str, rounds: Sequence[Step], barrier: Any, results: Any, index: int
) -> None:  # pragma: no cover - runs in a spawned process
    try:
        sessions, dispose = _open(url)
    except BaseException as exc:  # noqa: BLE001 - e.g. an import failing: tell the parent
        results.put((index, -1, "RAW setup", "".join(traceback.format_exception(exc))))
        barrier.abort()
        return
    from wijkteamkit.engine.errors import CaseworkError

    for number, (role, operation, arguments) in enumerate(rounds):
        barrier.wait(ROUND_TIMEOUT)
        if not operation:
            results.put((index, number, "skip", ""))
            continue
        try:
            getattr(sessions[role], operation)(*arguments)
            outcome, text = "ok", ""
        except CaseworkError as exc:
            outcome, text = type(exc).__name__, str(exc)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails
            outcome, text = f"RAW {type(exc).__name__}", "".join(traceback.format_exception(exc))
        results.put((index, number, outcome, text))
    dispose()


def _open(url: str) -> tuple[dict[str, Any], Any]:  # pragma: no cover - in the child
    from case_helpers import Clock, actor
    from sample_town import SampleTown

    from wijkteamkit.engine.casework import Casework
    from wijkteamkit.store.database import connect
    from wijkteamkit.testing import PluginHarness

    harness = PluginHarness()
    harness.register(SampleTown())
    casework = Casework(connect(url), harness.load(), Clock())
    sessions = {
        "worker": casework.as_actor(actor()),
        "team_leader": casework.as_actor(actor("team_leader", "Lars")),
    }
    return sessions, casework.engine.dispose


def run(url: str, plans: Sequence[Sequence[Step]]) -> list[list[tuple[str, str]]]:
    """Run one child per plan (all plans equally long); outcomes per round, per child.

    A child that cannot start, or dies, fails the run at once with what it reported.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(plans))
    results = context.Queue()
    processes = [
        context.Process(target=child, args=(url, plan, barrier, results, index))
        for index, plan in enumerate(plans)
    ]
    for process in processes:
        process.start()
    rounds = len(plans[0])
    collected: list[list[tuple[str, str]]] = [[("missing", "")] * len(plans) for _ in range(rounds)]
    try:
        for _ in range(rounds * len(plans)):
            index, number, outcome, text = _next(results, processes)
            if number < 0:
                raise AssertionError(f"child {index} could not start:\n{text}")
            collected[number][index] = (outcome, text)
    finally:
        barrier.abort()  # releases any child still waiting once the run is over or failed
        for process in processes:
            process.join(ROUND_TIMEOUT)
            if process.is_alive():
                process.terminate()
    return collected


def _next(results: Any, processes: Sequence[Any]) -> tuple[int, int, str, str]:
    """The next outcome; fails when a child died without reporting."""
    deadline = time.monotonic() + ROUND_TIMEOUT
    while time.monotonic() < deadline:
        try:
            return results.get(timeout=1.0)  # type: ignore[no-any-return]
        except queue.Empty:
            dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise AssertionError(f"a child process died (exit codes {dead})") from None
    raise AssertionError(f"no outcome within {ROUND_TIMEOUT} s: a child is stuck")

"""The short chaos run of ``bench/chaos.py`` (issue 14 item 5; DESIGN §5 R1, R2, R8, R9).

Both platforms on PostgreSQL, two web processes and two workers each, a few dozen operations of
people linking and unlinking while processes are killed with SIGKILL and every database connection is
dropped once; afterwards every account must agree on both sides, with no duplicate link and no lost
notice. ``make chaos`` is the full run.
"""

from __future__ import annotations

import psycopg
import pytest

from bench.chaos import PG_URL, options, run


def test_a_short_chaos_run_loses_nothing_and_both_sides_agree_on_every_account() -> None:
    try:
        psycopg.connect(f"{PG_URL}/postgres", connect_timeout=5).close()
    except psycopg.OperationalError as error:
        pytest.fail(f"the chaos run needs PostgreSQL at {PG_URL} (make postgres): {error}")
    settings = options(["--short"])

    verdict, figures = run(settings, say=lambda line: print(line, flush=True))

    report = f"seed {settings.seed}\n" + "\n".join(verdict.lines)
    print(report)
    # The run did what it says: the load, the kills and the dropped connections all happened.
    assert figures["operations"] == settings.operations, report
    assert figures["succeeded"] >= settings.operations // 3, report
    assert figures["kills"] >= 3, report
    assert figures["dropped"], report
    assert verdict.figures["unlinks"]["business"] + verdict.figures["unlinks"]["consumer"] > 0, report
    # And nothing was lost.
    assert verdict.figures["duplicates"] == 0, report
    assert verdict.figures["lost_notices"] == 0, report
    assert verdict.figures["pending"] == 0, report
    assert verdict.figures["agreement"] == 1.0, report

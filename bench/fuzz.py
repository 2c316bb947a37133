"""Fuzz benchmark: hostile files and requests against pariah's contract, for as long as asked.

Runs the checks of the test suite's fuzz module (``tests/fuzzing.py``: files through the command
line, requests through the web app) on freshly drawn inputs, alternating the two, until ``--seconds``
have passed, and prints one JSON object:

  tried                  inputs tried (files and requests)
  files, requests        of which files and requests
  accepted, rejected     files imported, files refused (exit status 2, FILE:LINE: column: message)
  crashes                an exception, an exit status other than 0 or 2, a line not in the problem form,
                         an answer without the security headers or an API error without a detail
  tracebacks             a traceback printed by the command line
  http_500               an answer of 500 or more
  db_changed_on_reject   a refused file or request that changed the database
  roundtrip              an accepted import whose export -> import -> export differs
  seconds                the time the run took
  examples               the first few violations, for a bug report

Usage: python bench/fuzz.py [--seconds N] [--seed N]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import CASE_YAML  # noqa: E402
from fuzzing import Contract, Violation, import_files, requests  # noqa: E402

KINDS = ("crashes", "tracebacks", "http_500", "db_changed_on_reject", "roundtrip")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st

    counts: Counter[str] = Counter()
    examples: list[str] = []
    started = time.monotonic()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="pariah-fuzz-") as folder:
        os.environ["PARIAH_CACHE"] = str(Path(folder) / "models")  # fitted models of this run only, not the user's
        contract = Contract(Path(folder), CASE_YAML)
        started = time.monotonic()

        def one(case) -> None:
            if time.monotonic() - started >= args.seconds:
                return  # the time is up: the rest of this batch is drawn but not tried
            kind, drawn = case
            try:
                if kind == "file":
                    counts["files"] += 1
                    counts[contract.import_file(*drawn)] += 1
                else:
                    counts["requests"] += 1
                    contract.request(**drawn)
            except Violation as v:
                counts[v.kind] += 1
                if len(examples) < 5:
                    examples.append(str(v)[:3000])

        # Hypothesis draws the inputs (no shrinking, no database: every input is a fresh one),
        # in batches of 50 under a new seed each, until the time is up.
        inputs = st.one_of(st.tuples(st.just("file"), import_files()), st.tuples(st.just("request"), requests()))
        while time.monotonic() - started < args.seconds:
            run = settings(max_examples=50, deadline=None, database=None, phases=["generate"],
                           suppress_health_check=list(HealthCheck))(given(inputs)(one))
            seed(rng.randrange(2**32))(run)()
        contract.ledger.close()
    seconds = time.monotonic() - started
    result = {"tried": counts["files"] + counts["requests"], "crashes": counts["crashes"],
              "tracebacks": counts["tracebacks"], "http_500": counts["http_500"],
              "db_changed_on_reject": counts["db_changed_on_reject"], "seconds": round(seconds, 1),
              "files": counts["files"], "requests": counts["requests"], "accepted": counts["accepted"],
              "rejected": counts["rejected"], "roundtrip": counts["roundtrip"], "examples": examples}
    print(json.dumps(result))


if __name__ == "__main__":
    main()

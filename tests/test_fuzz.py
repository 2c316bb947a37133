"""The fuzz suite: hostile files and requests against the contract of ``tests/fuzzing.py``.

Bounded by Hypothesis settings (examples, not timers) to about two minutes on a small machine;
``bench/fuzz.py`` runs the same checks for as long as asked.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import CASE_YAML
from fuzzing import Contract, import_files, requests

pytest.importorskip("fastapi")

BOUNDED = settings(deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    contract = Contract(tmp_path_factory.mktemp("fuzz"), CASE_YAML)
    yield contract
    contract.ledger.close()


@settings(BOUNDED, max_examples=100)
@given(file=import_files())
def test_a_hostile_file_is_imported_or_refused_in_lines_and_changes_nothing(contract, file):
    contract.import_file(*file)


@settings(BOUNDED, max_examples=250)
@given(request=requests())
def test_a_hostile_request_is_never_a_500_and_changes_nothing(contract, request):
    contract.request(**request)


def test_the_fuzz_files_reach_both_verdicts(contract):
    """The file suite above would pass trivially if every file were refused (or accepted)."""
    if not contract.verdicts:
        pytest.skip("runs after the file suite, on what it tried")
    assert contract.verdicts["accepted"] >= 5 and contract.verdicts["rejected"] >= 20, contract.verdicts

"""Request ids and digests: the same request has its effect once."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.saas.requests import RequestState, check_transition, request_digest, validate_request_id


def test_digests_ignore_key_order_and_tell_parameters_and_operations_apart() -> None:
    one = request_digest("new_database", {"dbname": "a", "params": {"x": 1, "y": [1, 2]}})
    assert one == request_digest("new_database", {"params": {"y": [1, 2], "x": 1}, "dbname": "a"})
    assert one != request_digest("new_database", {"dbname": "b", "params": {"x": 1, "y": [1, 2]}})
    assert one != request_digest("delete_database", {"dbname": "a", "params": {"x": 1, "y": [1, 2]}})


@pytest.mark.parametrize("params", [{1j}, {"x": float("nan")}, {"x": object()}])
def test_parameters_must_be_plain_json(params: object) -> None:
    with pytest.raises(ValidationError, match="plain JSON"):
        request_digest("new_database", params)


def test_request_ids_and_operations_are_checked() -> None:
    assert validate_request_id("2f1c-9a:retry.1") == "2f1c-9a:retry.1"
    for bad in ("", "-x", "a b", "x" * 129, 12, None, ["r"]):
        with pytest.raises(ValidationError, match="request id"):
            validate_request_id(bad)
    with pytest.raises(ValidationError, match="Unknown operation"):
        request_digest("drop_everything", {})


def test_finished_jobs_stay_finished() -> None:
    assert check_transition("pending", "running") is RequestState.RUNNING
    assert check_transition("running", "done") is RequestState.DONE
    for final in ("done", "failed"):
        for new in ("pending", "running", "done", "failed"):
            with pytest.raises(ValidationError, match="cannot become"):
                check_transition(final, new)
    with pytest.raises(ValidationError, match="Unknown request state"):
        check_transition("pending", "exploded")

"""Placement: the plan's server, else the ready server with the most free capacity."""

from __future__ import annotations

import pytest

from tenantry.exceptions import UserError
from tenantry.saas.placement import ServerLoad, choose_server


def _server(id: int, state: str = "ready", capacity: int = 10, databases: int = 0) -> ServerLoad:
    return ServerLoad(id, f"s{id}.example.com", state, capacity, databases)


def test_the_ready_server_with_most_free_capacity_wins() -> None:
    servers = [
        _server(1, capacity=10, databases=8),
        _server(2, capacity=5, databases=1),
        _server(3, capacity=20, databases=19),
    ]
    assert choose_server(servers).id == 2


def test_unlimited_servers_come_first_and_ties_go_to_the_emptier_then_older() -> None:
    assert choose_server([_server(1, capacity=100), _server(2, capacity=0, databases=50)]).id == 2
    assert choose_server([_server(2, capacity=0, databases=3), _server(1, capacity=0, databases=3)]).id == 1
    assert choose_server([_server(1, capacity=0, databases=3), _server(2, capacity=0, databases=2)]).id == 2


def test_full_unhealthy_and_draft_servers_are_skipped() -> None:
    servers = [
        _server(1, state="unhealthy"),
        _server(2, state="full"),
        _server(3, state="draft"),
        _server(4, capacity=3, databases=3),
        _server(5, capacity=3, databases=2),
    ]
    assert choose_server(servers).id == 5
    with pytest.raises(UserError, match="No SaaS server can take a new database"):
        choose_server(servers[:4])
    with pytest.raises(UserError, match="No SaaS server"):
        choose_server([])


def test_the_plans_server_is_used_only_when_it_can_take_it() -> None:
    assert choose_server([_server(1)], required=_server(2, capacity=5, databases=4)).id == 2
    with pytest.raises(UserError, match=r"s2\.example\.com is unhealthy"):
        choose_server([_server(1)], required=_server(2, state="unhealthy"))
    with pytest.raises(UserError, match=r"s2\.example\.com is full"):
        choose_server([_server(1)], required=_server(2, capacity=5, databases=5))

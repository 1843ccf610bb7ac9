"""The scheduled actions of ``base`` and the clean-up (``ir.autovacuum``) they run."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tenantry.exceptions import AccessDenied, ValidationError
from tenantry.orm import fields
from tenantry.orm.environment import Environment


def _age(env: Environment, records: object, hours: float) -> None:
    """Make ``records`` look last written ``hours`` ago (the ORM stamps write_date itself)."""
    table = records._table_obj  # type: ignore[attr-defined]
    when = fields.Datetime.now() - dt.timedelta(hours=hours)
    env.cr.conn.execute(sa.update(table).where(table.c.id.in_(records.ids)).values(write_date=when))  # type: ignore[attr-defined]
    env.cr.invalidate(records._name, records.ids)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("xml_id", "name", "model", "method", "interval"),
    [
        (
            "base.autovacuum_job",
            "Base: Auto-vacuum internal data",
            "ir.autovacuum",
            "_run_vacuum_cleaner",
            "days",
        ),
        (
            "base.ir_cron_language_update",
            "Base: Update installed language translations",
            "res.lang",
            "_update_installed_translations",
            "weeks",
        ),
    ],
)
def test_base_ships_odoos_scheduled_actions(
    env: Environment, xml_id: str, name: str, model: str, method: str, interval: str
) -> None:
    cron = env.ref(xml_id)
    assert (cron.name, cron.model_name, cron.method_name) == (name, model, method)
    assert (cron.interval_number, cron.interval_type, cron.active) == (1, interval, True)
    assert cron.user_id == env.ref("base.user_root")
    getattr(env[model], method)()  # what the scheduler would run, runs


@pytest.mark.parametrize(
    "vals",
    [
        {"model_name": "no.such.model", "method_name": "_run_vacuum_cleaner"},
        {"model_name": "ir.autovacuum", "method_name": "_no_such_method"},
        {"model_name": "ir.autovacuum", "method_name": "_description"},  # not a method
    ],
)
def test_a_cron_must_name_an_existing_method(env: Environment, vals: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="Scheduled action"), env.cr.savepoint():
        env["ir.cron"].create({"name": "broken", **vals})
    cron = env.ref("base.autovacuum_job")
    with pytest.raises(ValidationError, match="Scheduled action"), env.cr.savepoint():
        cron.write(vals)


def test_an_empty_priority_reads_as_zero(env: Environment) -> None:
    cron = env.ref("base.autovacuum_job")
    cron.write({"priority": False})
    assert cron.read(["priority"])[0]["priority"] == 0 and cron.priority == 0


def test_autovacuum_deletes_old_wizards_only(env: Environment) -> None:
    wizards = env["base.language.install"]
    old, recent = wizards.create({}), wizards.create({})
    _age(env, old, 2)
    _age(env, recent, 0.5)
    env["ir.autovacuum"]._run_vacuum_cleaner()
    assert not old.exists() and recent.exists()


def test_autovacuum_forgets_expired_web_sessions(env: Environment) -> None:
    now = fields.Datetime.now()
    common = {"uid": 2, "db": env.cr.dbname, "csrf_token": "t", "created": now, "last_used": now}
    sessions = env["ir.sessions"]
    expired = sessions.create({**common, "sid_hash": "a" * 64, "expires": now - dt.timedelta(seconds=1)})
    live = sessions.create({**common, "sid_hash": "b" * 64, "expires": now + dt.timedelta(days=1)})
    env["ir.autovacuum"]._run_vacuum_cleaner()
    assert not expired.exists() and live.exists()


def test_only_the_superuser_vacuums(env: Environment) -> None:
    admin = env.ref("base.user_admin")
    with pytest.raises(AccessDenied):
        env["ir.autovacuum"].with_user(admin)._run_vacuum_cleaner()

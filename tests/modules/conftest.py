"""Addon tests share the ORM fixtures (instance per backend, template, rolled-back env)."""

from tests.orm.conftest import _instances, env, fresh_db, instance, template

__all__ = ["_instances", "env", "fresh_db", "instance", "template"]

"""The web client's JSON routes: version, session, ``call_kw``, ``call_button`` and the database list.

Session routes use the server-side session of ``tenantry.web.sessions``; a
missing or expired one is ``SessionExpired`` (JSON-RPC code 100).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from tenantry.db.names import is_valid_name
from tenantry.exceptions import AccessDenied, AccessError, DatabaseNotFound
from tenantry.web.context import Call, Server
from tenantry.web.jsonrpc import json_endpoint, required
from tenantry.web.sessions import Session
from tenantry.web.tenancy import visible_databases

__all__ = ["clean_action", "routes", "session_info"]


def session_info(server: Server, session: Session) -> dict[str, Any]:
    """What ``/web/session/authenticate`` and ``get_session_info`` return (Odoo 16's keys)."""
    version = server.version()
    with server.instance.env(session.db, session.uid, session.context) as env:
        user = env.user
        companies = user.company_ids
        current = env.company
        return {
            "uid": user.id,
            "db": session.db,
            "username": user.login,
            "name": user.name,
            "user_context": dict(session.context),
            "company_id": current.id or False,
            "user_companies": {
                "current_company": current.id or False,
                "allowed_companies": {
                    str(company.id): {"id": company.id, "name": company.name} for company in companies
                },
            },
            "partner_id": user.partner_id.id or False,
            "is_admin": user.has_group("base.group_erp_manager"),
            "is_system": user.has_group("base.group_system"),
            "server_version": version["server_version"],
            "server_version_info": version["server_version_info"],
        }


def _version_info(call: Call) -> Any:
    return call.server.version()


def _authenticate(call: Call) -> Any:
    db, login, password = required(call, "db", "login", "password")
    instance = call.server.instance
    if not isinstance(db, str) or (call.db_filter and not call.db_filter(db)):
        raise AccessError("Database not found.")
    if not is_valid_name(db) or not instance.exists(db):  # Odoo learns this connecting
        raise DatabaseNotFound(db)
    uid = call.server.authenticate(db, login, password, call.client_ip)
    session = call.login(db, uid)
    return {"session_id": session.sid, **session_info(call.server, session)}


def _get_session_info(call: Call) -> Any:
    return session_info(call.server, call.session())


def _check(call: Call) -> None:
    call.session()


def _destroy(call: Call) -> None:
    call.session()
    call.logout()


def _call_kw(call: Call) -> Any:
    model, method, args, kwargs = required(call, "model", "method", "args", "kwargs")
    return call.server.call_kw(call.session(), model, method, args, kwargs, call.client_ip)


def _call_button(call: Call) -> Any:
    """A button of the web client: ``call_kw``, whose result is an action to run, or False."""
    model, method, args, kwargs = required(call, "model", "method", "args", "kwargs")
    action = call.server.call_kw(call.session(), model, method, args, kwargs, call.client_ip)
    if isinstance(action, dict) and action.get("type") != "":
        return clean_action(action)
    return False


def clean_action(action: dict[str, Any]) -> dict[str, Any]:
    """An action as the web client runs it (Odoo's ``clean_action``): a ``type`` (closing
    the dialog by default) and, for a window action, its ``views`` from ``view_mode``."""
    cleaned = dict(action)
    kind = cleaned.setdefault("type", "ir.actions.act_window_close")
    if kind == "ir.actions.act_window" and not cleaned.get("views"):
        modes = str(cleaned.get("view_mode") or "list,form").split(",")
        view_id = cleaned.get("view_id")
        first = view_id[0] if isinstance(view_id, list | tuple) and view_id else (view_id or False)
        cleaned["views"] = [
            [first if index == 0 else False, "list" if mode.strip() == "tree" else mode.strip()]
            for index, mode in enumerate(modes)
            if mode.strip()
        ]
    return cleaned


def _database_list(call: Call) -> list[str]:
    if not call.server.config.list_db:
        raise AccessDenied("The database list is disabled on this server.")
    return visible_databases(call.server.instance.list_databases(), call.db_filter)


routes = [
    Route("/web/webclient/version_info", json_endpoint(_version_info), methods=["POST"]),
    Route("/web/session/authenticate", json_endpoint(_authenticate), methods=["POST"]),
    Route("/web/session/get_session_info", json_endpoint(_get_session_info), methods=["POST"]),
    Route("/web/session/check", json_endpoint(_check), methods=["POST"]),
    Route("/web/session/destroy", json_endpoint(_destroy), methods=["POST"]),
    Route("/web/dataset/call_kw", json_endpoint(_call_kw), methods=["POST"]),
    Route("/web/dataset/call_kw/{path:path}", json_endpoint(_call_kw), methods=["POST"]),
    Route("/web/dataset/call_button", json_endpoint(_call_button), methods=["POST"]),
    Route("/web/dataset/call_button/{path:path}", json_endpoint(_call_button), methods=["POST"]),
    Route("/web/database/list", json_endpoint(_database_list), methods=["POST"]),
]

"""The portal's requests to this server, by request id: each has its effect once.

Only the server's own code writes them (as superuser, answering the portal); its
managers read them.
"""

from __future__ import annotations

import json
from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models
from tenantry.saas.requests import (
    OPERATIONS,
    RequestState,
    check_transition,
    request_digest,
    validate_request_id,
)


class SaasServerRequest(models.Model):
    _name = "saas_server.request"
    _description = "SaaS Server Request"
    _order = "id desc"
    _rec_name = "request_id"

    request_id = fields.Char("Request ID", required=True, index=True, readonly=True)
    operation = fields.Selection([(op, op.replace("_", " ").title()) for op in OPERATIONS], required=True)
    digest = fields.Char("Parameters Digest", required=True, readonly=True)
    state = fields.Selection(
        [(s.value, s.value.title()) for s in RequestState], "Status", default="pending", required=True
    )
    progress = fields.Integer("Progress (%)", default=0)
    message = fields.Text("Message")
    result = fields.Text("Result (JSON)")
    database = fields.Char("Database", index=True)
    date_done = fields.Datetime("Finished")

    _sql_constraints = [
        ("request_id_uniq", "unique (request_id)", "This request id is already known."),
        ("progress_range", "check (progress >= 0 AND progress <= 100)", "Progress is a percentage."),
    ]

    @api.model
    def _register(self, request_id: Any, operation: str, params: Any, database: str | None = None) -> Any:
        """The job of ``request_id``: the known one when the same request comes again, a new
        ``pending`` one the first time; the same id with other parameters is refused."""
        validate_request_id(request_id)
        digest = request_digest(operation, params)
        known = self.sudo().search([("request_id", "=", request_id)], limit=1)
        if known:
            if known.digest != digest:
                raise ValidationError(f"The request id {request_id} was already used with other parameters.")
            return known
        return self.sudo().create(
            {
                "request_id": request_id,
                "operation": operation,
                "digest": digest,
                "database": database or False,
            }
        )

    def _move(self, state: RequestState, **values: Any) -> None:
        for job in self.sudo():
            check_transition(job.state, state.value)
            final = state in (RequestState.DONE, RequestState.FAILED)
            job.write(
                {"state": state.value, **({"date_done": fields.Datetime.now()} if final else {}), **values}
            )

    def _report_progress(self, progress: int, message: str = "") -> None:
        self._move(RequestState.RUNNING, progress=max(0, min(100, int(progress))), message=message or False)

    def _finish(self, result: Any) -> None:
        self._move(RequestState.DONE, progress=100, result=json.dumps(result, sort_keys=True))

    def _fail(self, message: str) -> None:
        self._move(RequestState.FAILED, message=message)

    def _result(self) -> Any:
        """The stored result (``None`` until done)."""
        self.ensure_one()
        return json.loads(self.result) if self.result else None

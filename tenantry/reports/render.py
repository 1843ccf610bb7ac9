"""Report templates: found in the installed addons' ``reports/`` directories, rendered to HTML.

Templates see ``docs`` (the records, as the caller reads them), ``doc_ids``, ``doc_model``,
``company`` (the caller's current company), ``user``, ``report``, ``data`` and the
formatting helpers of :class:`Formatter`. A template may extend another addon's by
``"<addon>/<file>"``, e.g. ``{% extends "base/external_layout.html" %}``.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

    from tenantry.orm.environment import Environment

__all__ = ["Formatter", "address_of", "company_of", "find_template", "image_data_uri", "render_html"]

_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _report_dirs(env: Environment) -> tuple[tuple[str, str], ...]:
    """``(addon, its reports directory)`` for the installed addons that have one, in load order."""
    from tenantry.modules.manifest import BUILTIN_ADDONS

    available = env.cr.modules.available if env.cr.modules is not None else {}
    found: list[tuple[str, str]] = []
    for name in env.registry.addons:
        manifest = available.get(name)
        root = manifest.path if manifest is not None else BUILTIN_ADDONS / name
        if (root / "reports").is_dir():
            found.append((name, str(root / "reports")))
    return tuple(found)


@functools.lru_cache(maxsize=32)
def _jinja(dirs: tuple[tuple[str, str], ...]) -> jinja2.Environment:
    import jinja2

    loader = jinja2.PrefixLoader({name: jinja2.FileSystemLoader(path) for name, path in dirs})
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def find_template(env: Environment, report_name: str) -> str | None:
    """The template of ``report_name`` as ``"<addon>/<name>.html"``, or ``None``.

    ``<name>`` is what follows the first dot of ``report_name``; the last-loaded addon
    that ships it wins, so an addon can replace the template of one it depends on.
    """
    name = report_name.partition(".")[2] or report_name
    if not _TEMPLATE_NAME.match(name):
        return None
    for addon, path in reversed(_report_dirs(env)):
        if (Path(path) / f"{name}.html").is_file():
            return f"{addon}/{name}.html"
    return None


def render_html(env: Environment, template: str, values: dict[str, Any]) -> str:
    """Render ``template`` (from :func:`find_template`) with ``values`` and the helpers."""
    jinja = _jinja(_report_dirs(env))
    formatter = Formatter(env)
    context = {
        "format_amount": formatter.amount,
        "format_number": formatter.number,
        "format_date": formatter.date,
        "format_datetime": formatter.datetime,
        "image_data_uri": image_data_uri,
        "company_of": functools.partial(company_of, env),
        "address_of": address_of,
        "now": dt.datetime.now(dt.UTC),
        **values,
    }
    return jinja.get_template(template).render(context)


def company_of(env: Environment, record: Any) -> Any:
    """The company a record is printed for: itself, its ``company_id``, or the current one."""
    if record._name == "res.company":
        return record
    if "company_id" in record._fields and record.company_id:
        return record.company_id
    return env.company


def address_of(partner: Any, with_name: bool = True) -> str:
    """A partner's postal address, one line per part (for ``white-space: pre-line``)."""
    if not partner:
        return ""
    city = " ".join(part for part in (partner.zip, partner.city) if part)
    parts = [
        partner.name if with_name else "",
        partner.street,
        city,
        partner.state_id.name if partner.state_id else "",
        partner.country_id.name if partner.country_id else "",
    ]
    return "\n".join(part for part in parts if part)


def image_data_uri(content: Any) -> str:
    """A ``data:`` URL of a PNG, JPEG or GIF image (raw bytes), else ``""``."""
    if not isinstance(content, bytes) or not content:
        return ""
    for magic, mime in _IMAGE_TYPES:
        if content.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
    return ""


class Formatter:
    """Numbers and dates as the caller's language and timezone write them."""

    def __init__(self, env: Environment) -> None:
        code = env.context.get("lang") or "en_US"
        lang = env["res.lang"]._lang_get(code) if isinstance(code, str) else None
        self.decimal_point: str = (lang.decimal_point if lang else None) or "."
        self.thousands_sep: str = (lang.thousands_sep if lang else None) or ""
        self.date_format: str = (lang.date_format if lang else None) or "%m/%d/%Y"
        self.time_format: str = (lang.time_format if lang else None) or "%H:%M:%S"
        tz_name = env.context.get("tz") or env.user.tz or "UTC"
        try:
            self.tz: dt.tzinfo = zoneinfo.ZoneInfo(str(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.tz = dt.UTC

    def number(self, value: Any, digits: int = 2) -> str:
        """``value`` with ``digits`` decimals and the language's separators."""
        text = f"{float(value or 0.0):,.{digits}f}"
        integer, _, decimals = text.partition(".")
        integer = integer.replace(",", self.thousands_sep)
        return f"{integer}{self.decimal_point}{decimals}" if digits > 0 else integer

    def amount(self, value: Any, symbol: str = "", digits: int = 2) -> str:
        """A money amount, with ``symbol`` after it when given (``1,234.50 €``)."""
        number = self.number(value, digits)
        return f"{number}\N{NO-BREAK SPACE}{symbol}" if symbol else number

    def date(self, value: Any) -> str:
        """A date, or a (UTC) datetime's date in the caller's timezone; ``""`` when empty."""
        if isinstance(value, dt.datetime):
            value = self._local(value).date()
        if not isinstance(value, dt.date):
            return ""
        return value.strftime(self.date_format)

    def datetime(self, value: Any) -> str:
        """A (UTC) datetime in the caller's timezone; ``""`` when empty."""
        if not isinstance(value, dt.datetime):
            return ""
        return self._local(value).strftime(f"{self.date_format} {self.time_format}")

    def _local(self, value: dt.datetime) -> dt.datetime:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(self.tz)

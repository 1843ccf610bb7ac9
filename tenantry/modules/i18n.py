"""Addon translations: ``i18n/<lang>.po`` files, loaded into translated fields.

An addon ships one gettext file per language, Odoo's way: ``i18n/fr.po`` for every
French, ``i18n/fr_BE.po`` for what Belgian French says otherwise. Each entry names the
records whose field it translates by external id::

    #. module: base
    #: model:res.country,name:base.de
    msgid "Germany"
    msgstr "Allemagne"

Activating a language loads the installed addons' files into it; installing or
upgrading an addon loads its files into the active languages. Only ``model:``
references are read (the terms of record fields); other entries are skipped, as are
untranslated and fuzzy ones. A loaded translation replaces an existing one only
when asked to (``overwrite``): translations changed by users are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tenantry.exceptions import UserError
from tenantry.orm.translate import BASE_LANG, set_translations
from tenantry.views.resolve import bump_version

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

__all__ = ["PoEntry", "load_addon_translations", "parse_po", "po_files"]

_REFERENCE = re.compile(r"^model:([\w.]+),(\w+):([\w.\-]+)$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_MAX_PO_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PoEntry:
    """One translated term: where it is used (``#:`` references), the English and the translation."""

    references: tuple[str, ...]
    msgid: str
    msgstr: str
    fuzzy: bool = False


def parse_po(text: str, name: str = "<po>") -> list[PoEntry]:
    """The entries of a ``.po`` file (the header entry, ``msgid ""``, left out)."""
    entries: list[PoEntry] = []
    refs: list[str] = []
    fuzzy = False
    parts: dict[str, list[str]] = {}
    current: str | None = None

    def flush() -> None:
        nonlocal refs, fuzzy, parts, current
        if "msgid" in parts and "msgstr" in parts:
            msgid, msgstr = "".join(parts["msgid"]), "".join(parts["msgstr"])
            if msgid:
                entries.append(PoEntry(tuple(refs), msgid, msgstr, fuzzy))
        refs, fuzzy, parts, current = [], False, {}, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#:"):
            if "msgstr" in parts:
                flush()
            refs.extend(line[2:].split())
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in (flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            keyword, _, rest = line.partition(" ")
            if keyword == "msgid" and "msgstr" in parts:
                flush()
            current = keyword
            parts[keyword] = [_unquote(rest, name, number)]
        elif line.startswith('"') and current is not None:
            parts[current].append(_unquote(line, name, number))
        else:
            raise UserError(f"{name}:{number}: unexpected line {raw!r}")
    flush()
    return entries


def _unquote(text: str, name: str, number: int) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise UserError(f"{name}:{number}: a quoted string is expected")
    out: list[str] = []
    chars = iter(text[1:-1])
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            out.append(_ESCAPES.get(escaped, escaped))
        else:
            out.append(char)
    return "".join(out)


def po_files(addon_path: Path, lang: str) -> list[Path]:
    """The files of ``lang`` in an addon, the general language first (``fr.po``, ``fr_BE.po``)."""
    base = lang.split("_")[0].split("@")[0]
    names = [f"{base}.po"] if base != lang else []
    names.append(f"{lang}.po")
    return [path for n in names if (path := addon_path / "i18n" / n).is_file()]


def load_addon_translations(
    env: Environment, addon: str, addon_path: Path, langs: Iterable[str], overwrite: bool = False
) -> int:
    """Load ``addon``'s translations into ``langs``; returns how many values were set."""
    data = env["ir.model.data"]
    count = 0
    for lang in langs:
        if lang == BASE_LANG:
            continue
        for path in po_files(addon_path, lang):
            if path.stat().st_size > _MAX_PO_BYTES:
                raise UserError(f"{path}: translation file too large")
            terms: dict[tuple[str, str], dict[int, str]] = {}
            for entry in parse_po(path.read_text(encoding="utf-8"), str(path)):
                if entry.fuzzy or not entry.msgstr:
                    continue
                for model, field, xml_id in _model_references(entry.references, addon):
                    if model not in env.registry.models or field not in env.registry.models[model]._fields:
                        continue
                    module, _, name = xml_id.partition(".")
                    found = data._lookup(module, name)
                    if found is not None and found[0] == model:
                        terms.setdefault((model, field), {})[int(found[1])] = entry.msgstr
            for (model, field), values in terms.items():
                count += set_translations(env, model, field, values.items(), lang, overwrite)
                if model == "ir.ui.menu" or model.startswith("ir.actions."):
                    bump_version(env)  # the cached menus hold translated names
    return count


def _model_references(references: Iterable[str], addon: str) -> Iterator[tuple[str, str, str]]:
    for reference in references:
        match = _REFERENCE.match(reference)
        if match:
            model, field, xml_id = match.groups()
            yield model, field, xml_id if "." in xml_id else f"{addon}.{xml_id}"

"""Make a plan for another region from an existing one (``regionplan new``).

The template folder is copied; then its region is replaced by the new members
(each with its code history from the bundled municipality changes), the
municipality actors are replaced by the new municipalities (responsibilities
that named the old ones name the new ones), and the plan's id and title are
adapted. Goals, metrics, targets and data sources are kept: they are what a
neighbouring region shares. Comments and layout of the plan files survive.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from regionplan.errors import RegionplanError
from regionplan.plan.codes import CodeChanges
from regionplan.plan.files import find_plan_file, load_plan

__all__ = ["code_for", "new_plan", "slug"]


def slug(text: str) -> str:
    """An id made from a name: ``"Nedre Romerike"`` -> ``"nedre-romerike"``."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    s = re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")
    return s if s and s[0].isalpha() else f"r-{s}"


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 110
    return y


def code_for(name_or_code: str, changes: CodeChanges, on: dt.date | None = None) -> str:
    """The current code of a municipality given by code (``3205``) or by name (``Lillestrøm``).

    Names are matched among the codes the change records know to be valid on ``on``
    (default: today), ignoring case and a county in brackets (``Nes (Akershus)``).

    Raises:
        RegionplanError: not a code, no such name, or a name several municipalities share.
    """
    text = name_or_code.strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if text.isdigit():
        raise RegionplanError(f"{text!r} is not a municipality code (four digits, e.g. 3201)")
    day = on or dt.date.today()
    wanted = text.casefold()
    found = []
    for code in sorted(changes.valid_codes(day)):
        name = changes.name(code, day) or ""
        forms = {name, re.sub(r"\s*\(.*\)$", "", name), *name.split(" - ")}
        if wanted in {f.strip().casefold() for f in forms}:
            found.append(f"{code} {name}")
    if len(found) == 1:
        return found[0].split(" ", 1)[0]
    if found:
        raise RegionplanError(
            f"several municipalities are called {text!r}: {', '.join(found)}; give the code"
        )
    raise RegionplanError(
        f"no municipality named {text!r} in the code records valid on {day}; give its four-digit code"
    )


def _member(code: str, changes: CodeChanges) -> dict[str, Any]:
    code = code_for(code, changes)
    today = dt.date.today()
    name = changes.name(code) or code
    codes: list[dict[str, Any]] = []
    validity = changes.validity(code)
    if validity.valid_until is not None and validity.valid_until < today:
        raise RegionplanError(
            f"the code {code} ({name}) ceased after {validity.valid_until}; give the current code"
        )
    for old in changes.predecessors(code):
        v = changes.validity(old)
        entry: dict[str, Any] = {"code": old}
        if v.valid_from:
            entry["from"] = v.valid_from.isoformat()
        if v.valid_until:
            # the records give the first day a code is no longer valid; plan files the last day it is
            entry["until"] = (v.valid_until - dt.timedelta(days=1)).isoformat()
        codes.append(entry)
    current: dict[str, Any] = {"code": code}
    if validity.valid_from:
        current["from"] = validity.valid_from.isoformat()
    codes.append(current)
    codes.sort(key=lambda c: c.get("from") or "")
    short = re.sub(r"\s*\(.*\)$", "", name)
    return {"id": slug(short), "name": name, "codes": codes}


def new_plan(
    template: str | Path,
    directory: str | Path,
    *,
    name: str,
    codes: Sequence[str],
    region_id: str | None = None,
    changes: CodeChanges | None = None,
) -> list[Path]:
    """Copy ``template`` to ``directory`` and adapt it to a region of ``codes``.

    Returns:
        The files written.

    Raises:
        RegionplanError: the folder exists and is not empty, a code is unknown or
            outdated, or the template has no region section.
    """
    template_plan = load_plan(template)  # the template must be a valid plan
    src = find_plan_file(template).parent
    dest = Path(directory)
    if dest.exists() and any(dest.iterdir()):
        raise RegionplanError(f"{dest} exists and is not empty; choose a new folder")
    changes = changes or CodeChanges.bundled()
    members = [_member(c, changes) for c in dict.fromkeys(codes)]
    ids = [m["id"] for m in members]
    if len(set(ids)) != len(ids):
        raise RegionplanError("two members would get the same id; check the codes")
    rid = region_id or slug(name)
    old_region = template_plan.region
    old_names = {old_region.name.get(lang) for lang in old_region.name.languages()}
    shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md", "__pycache__"))

    y = _yaml()
    written: list[Path] = []
    old_actor_ids: list[str] = []
    new_actor_ids: list[str] = []
    docs: dict[Path, Any] = {}
    for path in sorted(dest.rglob("*.y*ml")):
        docs[path] = y.load(path.read_text(encoding="utf-8"))
    for doc in docs.values():
        if not isinstance(doc, dict):
            continue
        if "region" in doc:
            doc["region"] = {
                "id": rid,
                "name": name,
                **({"county": doc["region"]["county"]} if "county" in doc["region"] else {}),
                "municipalities": members,
            }
        if "plan" in doc and isinstance(doc["plan"], dict):
            meta = doc["plan"]
            meta["id"] = f"{rid}-plan"
            meta["title"] = _renamed(meta.get("title"), old_names, name)
            if "description" in meta:
                meta["description"] = _renamed(meta["description"], old_names, name)
        if "actors" in doc and isinstance(doc["actors"], list):
            kept, template_actor = [], None
            for actor in doc["actors"]:
                if isinstance(actor, dict) and actor.get("municipality"):
                    old_actor_ids.append(str(actor["id"]))
                    template_actor = template_actor or actor
                else:
                    kept.append(actor)
            for m in members:
                actor_id = f"{m['id']}-kommune"
                new_actor_ids.append(actor_id)
                kind = template_actor.get("kind", "municipality") if template_actor else "municipality"
                kept.append(
                    {
                        "id": actor_id,
                        "name": {"nb": f"{m['name']} kommune", "en": f"{m['name']} municipality"},
                        "kind": kind,
                        "municipality": m["id"],
                    }
                )
            doc["actors"] = kept
    for doc in docs.values():
        if isinstance(doc, dict) and isinstance(doc.get("elements"), list):
            for element in doc["elements"]:
                _replace_responsible(element, set(old_actor_ids), new_actor_ids)
                # goals written for the old region name it: "Utvikle Gardermoregionen til ..."
                for key in ("title", "description", "notes"):
                    if isinstance(element, dict) and key in element:
                        element[key] = _renamed(element[key], old_names, name)
    for path, doc in docs.items():
        buf = io.StringIO()
        y.dump(doc, buf)
        path.write_text(buf.getvalue(), encoding="utf-8")
        written.append(path)
    readme = dest / "README.md"
    readme.write_text(
        f"# {name}\n\nA plan made with `regionplan new` from `{src.name}`. Members: "
        + ", ".join(f"{m['name']} ({m['codes'][-1]['code']})" for m in members)
        + ".\n\nNext: `regionplan validate .`, then `regionplan report . --format html -o report.html`.\n"
        "The metrics keep their sources: point them at data that covers these members "
        "(for example with `regionplan fetch`).\n",
        encoding="utf-8",
    )
    written.append(readme)
    return written


def _renamed(label: Any, old_names: set[str], new: str) -> Any:
    if isinstance(label, str):
        for old in old_names:
            label = label.replace(old, new)
        return label
    if isinstance(label, dict):
        for key in list(label):
            label[key] = _renamed(label[key], old_names, new)
    if isinstance(label, list):
        for i, item in enumerate(label):
            label[i] = _renamed(item, old_names, new)
    return label


def _replace_responsible(element: Any, old: set[str], new: list[str]) -> None:
    if not isinstance(element, dict) or not isinstance(element.get("responsible"), list):
        return
    out: list[Any] = []
    replaced = False
    for entry in element["responsible"]:
        actor = entry.get("actor") if isinstance(entry, dict) else entry
        if actor in old:
            if not replaced:
                role = entry.get("role") if isinstance(entry, dict) else None
                out += [{"actor": a, "role": role} if role else a for a in new]
                replaced = True
        else:
            out.append(entry)
    element["responsible"] = out

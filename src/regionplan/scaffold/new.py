"""``regionplan new``: a plan for another region, made from a template plan.

Four passes over the template's files:

1. read them, with their marks, and decide what the new plan drops (:mod:`.marks`) and which
   sources still fit the new members (:mod:`.sources`);
2. delete the dropped items, and the ``template`` fields, as lines (:mod:`.lines`);
3. edit the rest through ruamel's round trip: the region, the actors made anew, the texts
   the marks replace, the old region's name and member count, references to what is gone;
4. read the written files again to say, in ``ADAPT.md``, what is left to decide, each with
   its file and line.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from regionplan.errors import RegionplanError
from regionplan.plan.codes import CodeChanges
from regionplan.plan.files import find_plan_file, load_plan
from regionplan.plan.model import Plan
from regionplan.scaffold import adapt as A
from regionplan.scaffold.build import (
    LANGS,
    actor,
    label,
    list_like,
    region_parts,
    replace_field,
    with_actor,
    words,
)
from regionplan.scaffold.comments import delete, put
from regionplan.scaffold.counties import current_counties
from regionplan.scaffold.files import Layout, item_line, load
from regionplan.scaffold.lines import line_edits
from regionplan.scaffold.marks import SECTIONS, Mark, items, label_text, select
from regionplan.scaffold.members import Member, joined, member, slug
from regionplan.scaffold.sources import SourceChange, files_read, plan_sources
from regionplan.scaffold.text import Wording, edit_lines, mentions, refold

__all__ = ["new_plan"]

_ONE = {"plan": "plan", "region": "region", "actors": "actor", "elements": "element"}
_ONE |= {"metrics": "metric", "targets": "target"}
_FILE_REF = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.(?:csv|md|yaml|yml|json|xlsx))\b")
#: keys whose values are ids, references or queries: never reworded
_NOT_WORDS = frozenset(
    {"id", "contributes_to", "responsible", "element", "metric", "other", "municipality", "owner"}
    | {"derived", "path", "include", "columns", "filter", "select", "template", "kind", "unit"}
)


def new_plan(
    template: str | Path,
    directory: str | Path,
    *,
    name: str,
    codes: Sequence[str],
    region_id: str | None = None,
    changes: CodeChanges | None = None,
) -> list[Path]:
    """Make a plan for the region of ``codes`` in ``directory`` from the plan ``template``.

    Returns:
        The files written; ``ADAPT.md`` among them says what is left to decide.

    Raises:
        RegionplanError: the folder exists and is not empty, a code is unknown or outdated,
            two members would share an id, or the template is not a valid plan.
    """
    plan = load_plan(template)  # the template must be a valid plan
    dest = Path(directory)
    if dest.exists() and any(dest.iterdir()):
        raise RegionplanError(f"{dest} exists and is not empty; choose a new folder")
    changes = changes or CodeChanges.bundled()
    members = [member(c, changes) for c in dict.fromkeys(codes)]
    if not members:
        raise RegionplanError("a region needs at least one member; give -m CODE")
    if len({m.id for m in members}) != len(members):
        raise RegionplanError("two members would get the same id; check the codes")
    return _Maker(plan, find_plan_file(template).parent, dest, name, region_id or slug(name), members).run()


class _Maker:
    def __init__(self, plan: Plan, src: Path, dest: Path, name: str, rid: str, members: list[Member]) -> None:
        self.plan, self.src, self.dest = plan, src, dest
        self.name, self.rid, self.members = name, rid, members
        self.langs = tuple(plan.meta.languages) or ("nb", "en")
        old = plan.region
        self.old_names = tuple(dict.fromkeys(t for lang in old.name.languages() if (t := old.name.get(lang))))
        self.wording = Wording(self.old_names, name, len(old.municipalities), len(members))
        self.said = words(self.langs, name, members)
        self.notes = A.Notes()
        self.adapted: list[tuple[str, str, Mark]] = []  # (section, id, mark) to list in ADAPT.md
        self.unowned: list[tuple[str, str, list[str]]] = []  # (section, id, actors dropped)
        self.counties = current_counties(members)

    # -- pass 1 and 2 ----------------------------------------------------------------------

    def run(self) -> list[Path]:
        texts = {f: (self.src / f).read_text(encoding="utf-8") for f in self.plan.files}
        layouts: dict[str, Layout] = {}
        first: dict[str, Any] = {}
        for f, text in texts.items():
            layouts[f], first[f] = load(f, text)
        sourceless: dict[str, str] = {}
        self.sources: dict[str, SourceChange] = {}
        for doc in first.values():
            if isinstance(doc, Mapping) and isinstance(doc.get("metrics"), list):
                changes, left = plan_sources(doc["metrics"], self.src, self.members)
                self.sources |= changes
                sourceless |= left
        found = list(items(first))
        self.sel = select(found, sourceless)
        self.marks = {it.key: it.mark for it in found}
        self.like: dict[str, tuple[Any, str | None]] = {}  # kind -> (template actor, kept actor before it)
        for f, doc in first.items():
            self._actor_places(doc)
            if not layouts[f].json:
                lines = texts[f].splitlines()
                texts[f] = edit_lines(texts[f], *line_edits(doc, lines, self._gone, self.sources))
        for metric, change in self.sources.items():
            if ("metrics", metric) not in self.sel:
                self.notes.data.append(A.Entry("", f"metric `{metric}`", change.note))
        # -- pass 3 --------------------------------------------------------------------------
        written: list[Path] = []
        final: dict[str, str] = {}
        for f, text in texts.items():
            doc = layouts[f].load(text)
            self._edit(doc)
            out = layouts[f].dump(doc)
            final[f] = "".join(
                self.wording.rewrite(line) if line.lstrip().startswith("#") else line
                for line in out.splitlines(keepends=True)
            )
            target = self.dest / f
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(final[f], encoding="utf-8")
            written.append(target)
            if isinstance(doc, Mapping) and isinstance(doc.get("metrics"), list):
                written += self._copy_data(doc["metrics"])
        # -- pass 4 --------------------------------------------------------------------------
        self._notes({f: layouts[f].load(t) for f, t in final.items()}, final)
        return [*written, *self._write_notes()]

    def _actor_places(self, doc: Any) -> None:
        if not isinstance(doc, Mapping) or not isinstance(doc.get("actors"), list):
            return
        before = None
        for node in doc["actors"]:
            aid = str(node.get("id")) if isinstance(node, Mapping) else ""
            if aid in self.sel.remade:
                self.like.setdefault(self.sel.remade[aid], (node, before))
            elif ("actors", aid) not in self.sel:
                before = aid

    def _gone(self, section: str, node: Any) -> bool:
        if not isinstance(node, Mapping):
            return False
        nid = str(node.get("id"))
        return (section, nid) in self.sel or (section == "actors" and nid in self.sel.remade)

    # -- pass 3 ----------------------------------------------------------------------------

    def _edit(self, doc: Any) -> None:
        if not isinstance(doc, Mapping):
            return
        for metric in doc.get("metrics") or ():
            change = self.sources.get(str(metric.get("id")) if isinstance(metric, Mapping) else "")
            if change and not change.done and isinstance(metric.get("source"), list):
                listed = metric["source"]
                for i in sorted(change.removed, reverse=True):
                    del listed[i]
                listed.extend(change.added)
        for section in SECTIONS:
            seq = doc.get(section)
            if isinstance(seq, list):
                for i in reversed(range(len(seq))):
                    if self._gone(section, seq[i]):
                        del seq[i]
        for it in list(items({"": doc})):
            mark = self.marks.get(it.key, Mark())
            node = it.node
            node.pop("template", None)
            if it.section == "region":
                self._region(node)
                continue
            for path, value in mark.replace.items():
                replace_field(node, path.split("."), value, self.said, self.langs[0])
            self._reword(node)
            if it.section == "plan":
                node["id"] = f"{self.rid}-plan"
                self._comparators(node)
                self._owner(node)
            self._references(it.section, node)
            if mark.mark == "adapt":
                self.adapted.append((it.section, str(node.get("id")), mark))
        if isinstance(doc.get("actors"), list):
            self._new_actors(doc["actors"])

    def _reword(self, node: Any, lang: str | None = None) -> None:
        keys = list(node) if isinstance(node, Mapping) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            value = node[key]
            if isinstance(key, str) and key in _NOT_WORDS:
                continue
            sub = LANGS.get(key, lang) if isinstance(key, str) else lang
            if isinstance(value, str):
                node[key] = refold(value, self.wording.rewrite(str(value), sub))
            elif isinstance(value, Mapping | list):
                self._reword(value, sub)

    def _region(self, node: Any) -> None:
        parts = region_parts(self.members, self.langs, node)
        node["id"] = self.rid
        put(node, "name", label(dict.fromkeys(self.langs, self.name), node.get("name")))
        for key in ("county", "description", "municipalities"):
            if key in node:
                put(node, key, parts[key])
            else:
                node.insert(len(node) - (1 if "municipalities" in node else 0), key, parts[key])

    def _comparators(self, node: Any) -> None:
        """Drop the comparators made of the template's own neighbours (county, Norway and members stay)."""
        listed = node.get("comparators")
        for i in reversed(range(len(listed) if isinstance(listed, list) else 0)):
            c = listed[i]
            if isinstance(c, Mapping) and c.get("kind") == "region":
                why = "its municipalities are neighbours of the template's region"
                self.notes.dropped.append(A.Entry("", f"comparator `{c.get('id')}`", why))
                del listed[i]

    def _owner(self, node: Any) -> None:
        owner = node.get("owner")
        if owner is None:
            return
        if ("actors", str(owner)) in self.sel:
            delete(node, "owner")
            self.unowned.append(("plan", str(node["id"]), [str(owner)]))
        elif str(owner) in self.sel.remade:
            node["owner"] = self._new_ids(self.sel.remade[str(owner)])[0]

    def _references(self, section: str, node: Any) -> None:
        parents = node.get("contributes_to")
        if isinstance(parents, list):
            for i in reversed(range(len(parents))):
                ref = parents[i].get("id") if isinstance(parents[i], Mapping) else parents[i]
                if ("elements", str(ref)) in self.sel:
                    del parents[i]
            if not parents:
                delete(node, "contributes_to")
        if isinstance(node.get("responsible"), list):
            self._responsible(section, node)

    def _responsible(self, section: str, node: Any) -> None:
        entries = node["responsible"]
        lost, done, out = [], set(), []
        for entry in entries:
            ref = str(entry.get("actor") if isinstance(entry, Mapping) else entry)
            if ("actors", ref) in self.sel:
                lost.append(ref)
            elif ref in self.sel.remade:
                kind = self.sel.remade[ref]
                if kind not in done:
                    done.add(kind)
                    for new in self._new_ids(kind):
                        out.append(with_actor(entry, new))
            else:
                out.append(entry)
        if not lost and not done:
            return
        if out:
            put(node, "responsible", list_like(entries, out))
        else:
            delete(node, "responsible")
            self.unowned.append((section, str(node.get("id")), lost))

    def _new_ids(self, kind: str) -> list[str]:
        if kind == "county":
            return [f"{slug(c)}-fylkeskommune" for c in self.counties]
        return [f"{m.id}-kommune" for m in self.members]

    def _new_actors(self, actors: list[Any]) -> None:
        for kind, (like, before) in self.like.items():
            at = next((i + 1 for i, a in enumerate(actors) if str(a.get("id")) == before), 0)
            mark = self.marks.get(("actors", str(like.get("id"))), Mark())
            for n, new_id in enumerate(self._new_ids(kind)):
                if kind == "county":
                    county = self.counties[n]
                    values: dict[str, Any] = {
                        "id": new_id,
                        "name": {"nb": f"{county} fylkeskommune", "en": f"{county} county authority"},
                    }
                else:
                    m = self.members[n]
                    values = {
                        "id": new_id,
                        "name": {"nb": f"{m.name} kommune", "en": f"{m.name} municipality"},
                        "municipality": m.id,
                    }
                new = actor(like, values)
                for path, value in mark.replace.items():
                    replace_field(new, path.split("."), value, self.said, self.langs[0])
                actors.insert(at + n, new)
                if mark.mark == "adapt":
                    self.adapted.append(("actors", new_id, mark))

    def _copy_data(self, metrics: list[Any]) -> list[Path]:
        out = []
        for path in sorted(files_read(metrics, self.src)):
            if not path.is_file() or not path.resolve().is_relative_to(self.src.resolve()):
                continue
            rel = path.resolve().relative_to(self.src.resolve())
            for copy_from in (path, path.parent / "PROVENANCE.md"):
                target = self.dest / rel.parent / copy_from.name
                if copy_from.is_file() and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(copy_from, target)
                    out.append(target)
        return out

    # -- pass 4 ----------------------------------------------------------------------------

    def _notes(self, docs: Mapping[str, Any], texts: Mapping[str, str]) -> None:
        where: dict[tuple[str, str], tuple[str, Any]] = {}
        for it in items(docs):
            where[it.key] = (it.file, it.node)
        places = {key: f"{file}:{(item_line(docs[file], key) or 0) + 1}" for key, (file, _) in where.items()}

        def what(section: str, nid: str) -> str:
            node = where.get((section, nid), ("", {}))[1]
            kind = str(node.get("kind", "")).replace("_", " ") if section == "elements" else _ONE[section]
            text = label_text(node.get("title") or node.get("name"), "nb")
            return f"{kind or section} `{nid}`" + (f" «{text}»" if text else "")

        for section, nid, mark in self.adapted:
            self.notes.rewrite.append(
                A.Entry(
                    places.get((section, nid), ""),
                    what(section, nid),
                    mark.hint or "rewrite it for the new region",
                )
            )
        for section, nid, lost in self.unowned:
            todo = "say who is responsible" if section != "plan" else "name the plan's owner"
            todo += f" (the template named {', '.join(lost)}, which belonged to its region)"
            self.notes.responsible.append(A.Entry(places.get((section, nid), ""), what(section, nid), todo))
        for (section, nid), why in self.sel.dropped.items():
            self.notes.dropped.append(A.Entry("", f"{_ONE[section]} `{nid}`", why))
        for f, text in texts.items():
            for n, named in mentions(text, self._old_words()):
                self.notes.words.append(
                    A.Entry(f"{f}:{n}", "names " + ", ".join(named), "rewrite or delete it")
                )
            for n, line in enumerate(text.splitlines(), start=1):
                comment = (
                    line.split(" #", 1)[1] if " #" in line else line if line.lstrip().startswith("#") else ""
                )
                for ref in _FILE_REF.findall(comment):
                    if not (self.dest / f).parent.joinpath(ref).exists():
                        todo = (
                            "the new plan does not have it; point the comment at the right file or delete it"
                        )
                        self.notes.words.append(A.Entry(f"{f}:{n}", f"a comment names `{ref}`", todo))

    def _old_words(self) -> list[str]:
        old = self.plan.region
        found = list(self.old_names)
        for m in old.municipalities:
            found += [t for lang in m.name.languages() if (t := m.name.get(lang))]
        found += [w for it in self.marks.items() if it[0][0] == "region" for w in it[1].names]
        found = list(dict.fromkeys(w for f in found for w in {f, f.split(" (")[0]}))
        new = " ".join([self.name, *(m.name for m in self.members)])
        return [w for w in found if not re.search(rf"\b{re.escape(w)}\b", new, re.IGNORECASE)]

    def _write_notes(self) -> list[Path]:
        shown = joined([f"{m.name} ({m.code})" for m in self.members], "en")
        intro = [
            f"`regionplan new` made this plan from `{self.src.name}` for {shown}.",
            "It kept the template's generic goals, metrics and targets, dropped what belonged to "
            f"{self.old_names[0] if self.old_names else 'the template region'} alone, and wrote the region's "
            "name, number of members and counties anew. What is left for you to decide is below, each "
            "with its file and line; tick it off when it is done.",
            "",
            "Then: `regionplan validate .` and `regionplan report . --format html -o report.html`.",
        ]
        adapt = self.dest / "ADAPT.md"
        adapt.write_text(
            A.render(f"What is left to decide: {self.name}", intro, self.notes), encoding="utf-8"
        )
        readme = self.dest / "README.md"
        readme.write_text(
            f"# {self.name}\n\nA plan made with `regionplan new` from `{self.src.name}`. Members: {shown}.\n\n"
            "What is left to decide, each with its file and line: `ADAPT.md`.\n"
            "Next: `regionplan validate .`, then `regionplan report . --format html -o report.html`.\n",
            encoding="utf-8",
        )
        return [adapt, readme]

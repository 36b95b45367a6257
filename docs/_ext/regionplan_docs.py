"""Sphinx directives that render reference tables straight from regionplan's code.

* ``regionplan-problems`` — :data:`regionplan.plan.problems.CATALOGUE` as a table;
* ``regionplan-units`` — :data:`regionplan.plan.units.BASE_DEFINITIONS` as a table, with
  each unit's dimension as the library's registry reports it;
* ``regionplan-cli`` — every command of :data:`regionplan.cli.cli` with its help, as
  ``regionplan COMMAND --help`` prints it;
* ``regionplan-sources`` — every built-in data source (and those of the plugins its
  ``:plugins:`` option names) with the query keys its class describes
  (:attr:`regionplan.data.sources.DataSource.query_keys`).

Because the pages are generated when the docs are built, they cannot drift from
the library.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[nodes.Node | str]], widths: Sequence[int]
) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(headers)
    body = nodes.tbody()
    group += body
    for cells in rows:
        body += _row(cells)
    return table


def _row(cells: Sequence[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if isinstance(cell, nodes.Node):
            entry += cell
        else:
            entry += nodes.paragraph(text=cell)
        row += entry
    return row


def _literal(text: str) -> nodes.paragraph:
    para = nodes.paragraph()
    para += nodes.literal(text=text)
    return para


class ProblemsDirective(SphinxDirective):
    """Render the catalogue of plan-problem codes."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from regionplan.plan.problems import CATALOGUE

        rows = [(_literal(code), _literal(short), text) for code, (short, text) in CATALOGUE.items()]
        return [_table(("Code", "Name", "Meaning"), rows, (10, 22, 68))]


class UnitsDirective(SphinxDirective):
    """Render the domain units the library defines."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from regionplan.plan.units import BASE_DEFINITIONS, registry

        ureg = registry()
        rows = []
        for definition in BASE_DEFINITIONS:
            # pint's syntax: name = definition [= symbol] [= alias ...]; "_" means no symbol
            name, value, *rest = (part.strip() for part in definition.split("="))
            symbol = rest[0] if rest and rest[0] != "_" else ""
            aliases = rest[1:]
            unit = ureg.parse_units(name)
            dimension = "dimensionless" if unit.dimensionless else str(unit.dimensionality)
            rows.append(
                (
                    _literal(name),
                    _literal(symbol) if symbol else "–",
                    ", ".join(aliases) or "–",
                    _literal(value),
                    _literal(dimension),
                )
            )
        return [_table(("Unit", "Symbol", "Aliases", "Defined as", "Dimension"), rows, (18, 12, 30, 20, 20))]


class CliDirective(SphinxDirective):
    """Render the help of the ``regionplan`` command and each subcommand."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import click

        from regionplan.cli import cli

        out: list[nodes.Node] = []
        settings = {"terminal_width": 100, "max_content_width": 100, **cli.context_settings}
        root = click.Context(cli, info_name="regionplan", **settings)
        out.append(self._section("regionplan", cli.get_help(root)))
        self._commands(cli, root, "regionplan", out)
        return out

    def _commands(self, group: Any, parent: Any, prefix: str, out: list[nodes.Node]) -> None:
        """A section for each command of ``group``, and for each command of its subgroups."""
        import click

        for name in group.list_commands(parent):
            command = group.get_command(parent, name)
            if command is None or command.hidden:
                continue
            ctx = click.Context(command, info_name=name, parent=parent, **command.context_settings)
            out.append(self._section(f"{prefix} {name}", command.get_help(ctx)))
            if isinstance(command, click.Group):
                self._commands(command, ctx, f"{prefix} {name}", out)

    def _section(self, title: str, help_text: str) -> nodes.section:
        section_id = nodes.make_id(title)
        section = nodes.section(ids=[section_id], names=[nodes.fully_normalize_name(title)])
        section += nodes.title(text=title)
        block = nodes.literal_block(help_text, help_text)
        block["language"] = "text"
        section += block
        self.state.document.note_implicit_target(section, section)
        return section


_LITERAL = re.compile(r"``(.+?)``")


def _inline(text: str) -> nodes.paragraph:
    """A paragraph of text whose double-backquoted spans are literals."""
    para = nodes.paragraph()
    for i, part in enumerate(_LITERAL.split(text)):
        if part:
            para += nodes.literal(text=part) if i % 2 else nodes.Text(part)
    return para


def _names(text: str | None) -> list[str]:
    """A comma-separated option as a list of names."""
    return [n.strip() for n in (text or "").split(",") if n.strip()]


class SourcesDirective(SphinxDirective):
    """Render every built-in data source with its query keys, from the source classes."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"plugins": _names}

    def run(self) -> list[nodes.Node]:
        from regionplan.plugins import DEFAULT_PLUGINS, ENTRYPOINT_GROUP, Extensions, make_plugin_manager

        pm = make_plugin_manager(load_entrypoints=False)
        for name in self.options.get("plugins", []):
            if not pm.load_setuptools_entrypoints(ENTRYPOINT_GROUP, name=name):
                raise self.error(
                    f"the plugin {name!r} is not installed (pip install -e plugins/regionplan-{name})"
                )
        ext = Extensions.collect(pm)
        out: list[nodes.Node] = []
        for item in ext.sources.items():
            source = item.value
            section_id = nodes.make_id(f"source-{item.name}")
            section = nodes.section(
                ids=[section_id], names=[nodes.fully_normalize_name(f"source {item.name}")]
            )
            title = nodes.title()
            title += nodes.literal(text=item.name)
            section += title
            summary = (source.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
            origin = "built in" if item.plugin in DEFAULT_PLUGINS else f"from the plugin {item.plugin}"
            section += _inline(f"{summary} ({origin}: ``{source.__module__}.{source.__name__}``)")
            rows = [
                (
                    _literal(key.name),
                    key.type,
                    "required" if key.required else _inline(key.default or "–"),
                    _inline(key.doc),
                )
                for key in source.query_keys
            ]
            described = {key.name for key in source.query_keys}
            listed = [*source.required_keys, *(source.optional_keys or ())]
            rows += [
                (_literal(k), "–", "required" if k in source.required_keys else "–", "–")
                for k in listed
                if k not in described
            ]
            section += _table(("Key", "Takes", "Default", "Meaning"), rows, (16, 12, 22, 50))
            self.state.document.note_implicit_target(section, section)
            out.append(section)
        return out


_SECTION = re.compile(r"^(\s*)(Attributes|Args|Arguments|Parameters):\s*$")
_MULTI = re.compile(r"^(\s+)([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*:\s*(.*)$")


def split_shared_entries(lines: list[str]) -> list[str]:
    """Write ``a, b: text`` in a Google-style section as one entry per name.

    The docstrings describe related attributes together (``low, high: the interval``);
    napoleon would read the first name as a type. Continuation lines go with each name.
    """
    out: list[str] = []
    section_indent: int | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := _SECTION.match(line):
            section_indent = len(m.group(1))
            out.append(line)
            i += 1
            continue
        if section_indent is not None and line.strip() and _indent(line) <= section_indent:
            section_indent = None
        m = _MULTI.match(line) if section_indent is not None else None
        if m is None:
            out.append(line)
            i += 1
            continue
        indent, names, text = m.group(1), m.group(2), m.group(3)
        i += 1
        # the entry's continuation: more deeply indented lines (blank lines inside it too)
        end = i
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > len(indent)):
            end += 1
        while end > i and not lines[end - 1].strip():
            end -= 1
        rest, i = lines[i:end], end
        for name in (n.strip() for n in names.split(",")):
            out.append(f"{indent}{name}: {text}")
            out.extend(rest)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _process_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = split_shared_entries(lines)


def setup(app: Sphinx) -> dict[str, Any]:
    # before napoleon (priority 500) turns the sections into fields
    app.connect("autodoc-process-docstring", _process_docstring, priority=100)
    app.add_directive("regionplan-problems", ProblemsDirective)
    app.add_directive("regionplan-units", UnitsDirective)
    app.add_directive("regionplan-cli", CliDirective)
    app.add_directive("regionplan-sources", SourcesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

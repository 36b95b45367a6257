"""The HTML report in a real browser: Debian's headless Chromium.

Chromium runs from its own command line (``--dump-dom``, ``--screenshot``) and,
to watch the console and the network, through the DevTools protocol over a pipe
(``--remote-debugging-pipe``: JSON messages on file descriptors 3 and 4, so no
websocket client is needed).

The test is skipped only when Chromium is missing and ``REGIONPLAN_REQUIRE_BROWSER``
is unset; CI sets it, so there a missing browser is a failure. Screenshots go to
``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regionplan.plugins import Extensions, make_plugin_manager
from regionplan.report.build import build_report
from regionplan.report.renderers import render
from test_report import demo_evaluation

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.environ.get("REGIONPLAN_REQUIRE_BROWSER"):
        pytest.fail("chromium is not installed, and REGIONPLAN_REQUIRE_BROWSER is set")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def run(browser: str, profile: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class DevTools:
    """A DevTools protocol session over ``--remote-debugging-pipe``."""

    def __init__(self, browser: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # in the child, before exec
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        # Chromium reads commands from fd 3 and writes replies and events to fd 4
        self.proc = subprocess.Popen(
            [browser, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire_pipes,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for reply in self._read(deadline - time.monotonic()):
                if reply.get("id") == self._next:
                    if "error" in reply:
                        raise AssertionError(f"{method}: {reply['error']}")
                    return dict(reply.get("result", {}))
                self.events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, method: str, session: str, timeout: float = 30) -> dict[str, Any]:
        """Wait for an event, dismissing any JavaScript dialog that would block the page."""
        deadline = time.monotonic() + timeout
        handled = 0
        while time.monotonic() < deadline:
            dialogs = [e for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]
            for _ in dialogs[handled:]:
                self.send("Page.handleJavaScriptDialog", {"accept": False}, session=session)
            handled = len(dialogs)
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.extend(self._read(min(deadline - time.monotonic(), 0.2)))
        raise TimeoutError(method)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.events.extend(self._read(deadline - time.monotonic()))

    def _read(self, timeout: float) -> Iterator[dict[str, Any]]:
        ready, _, _ = select.select([self._from_browser], [], [], max(timeout, 0))
        if ready:
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self._buffer += chunk
        *messages, self._buffer = self._buffer.split(b"\0")
        for m in messages:
            yield json.loads(m)

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, TimeoutError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def watch(browser: str, profile: Path, url: str) -> dict[str, list[Any]]:
    """Load ``url`` and collect console errors, exceptions, dialogs and requests."""
    tools = DevTools(browser, profile)
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            tools.send(f"{domain}.enable", session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": url}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        tools.drain(1.0)
        events = [e for e in tools.events if e.get("sessionId") == session]
    finally:
        tools.close()
    by = lambda name: [e["params"] for e in events if e.get("method") == name]  # noqa: E731
    return {
        "console_errors": [
            p for p in by("Runtime.consoleAPICalled") if p.get("type") in {"error", "assert", "warning"}
        ]
        + [p for p in by("Log.entryAdded") if p["entry"].get("level") in {"error", "warning"}],
        "exceptions": by("Runtime.exceptionThrown"),
        "dialogs": by("Page.javascriptDialogOpening"),
        "requests": [p["request"]["url"] for p in by("Network.requestWillBeSent")],
        "loaded": by("Page.loadEventFired"),
    }


#: Elements that reach past the right edge of the page (tables scroll in their own box).
_OVERFLOW = """(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll("body *").forEach((e) => {
    if (e.getBoundingClientRect().right > width + 1 && !e.closest(".table-wrap")) {
      out.push(e.tagName + "." + e.className);
    }
  });
  return JSON.stringify({width, scroll: document.documentElement.scrollWidth, overflow: out.slice(0, 10)});
})()"""


def on_a_phone(browser: str, profile: Path, url: str, shot: Path, width: int = 390) -> dict[str, Any]:
    """Lay ``url`` out as a phone ``width`` CSS pixels wide (headless windows cannot be that
    narrow): what overflows, and a screenshot of the whole page."""
    tools = DevTools(browser, profile)
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True}
        tools.send("Emulation.setDeviceMetricsOverride", metrics, session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": url}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        found = tools.send(
            "Runtime.evaluate", {"expression": _OVERFLOW, "returnByValue": True}, session=session
        )
        layout: dict[str, Any] = json.loads(found["result"]["value"])
        image = tools.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session
        )
        shot.write_bytes(base64.b64decode(image["data"]))
    finally:
        tools.close()
    return layout


@pytest.fixture(scope="module")
def builtin_extensions() -> Extensions:
    """The built-in plugins only: installed plugins cannot change these tests."""
    return Extensions.collect(make_plugin_manager(load_entrypoints=False))


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_in_chromium(browser: str, builtin_extensions: Extensions, tmp_path: Path, lang: str) -> None:
    evaluation = demo_evaluation(tmp_path / "plan", extensions=builtin_extensions)
    html = render(evaluation, "html", lang=lang, extensions=builtin_extensions)
    assert isinstance(html, str)
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    url = page.as_uri()

    seen = watch(browser, tmp_path / "profile-cdp", url)
    assert seen["loaded"], "the page never finished loading"
    assert seen["console_errors"] == []
    assert seen["exceptions"] == []
    assert seen["requests"] == [url], "the report must not request anything but itself"

    dom = run(browser, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    report = build_report(evaluation, lang=lang)
    main = report.headline[0]
    assert main.status is not None
    assert main.title in dom.stdout
    assert main.status.label in dom.stdout
    assert f'<html lang="{lang}">' in dom.stdout
    assert dom.stdout.count("<svg") == 2 * sum(1 for c in report.charts if c.history)  # wide and phone

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{lang}.png"
    shot.unlink(missing_ok=True)
    result = run(browser, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2600", url)
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000


def test_hostile_plan_text_runs_nothing(browser: str, builtin_extensions: Extensions, tmp_path: Path) -> None:
    evaluation = demo_evaluation(tmp_path / "plan", hostile=True, extensions=builtin_extensions)
    html = render(evaluation, "html", extensions=builtin_extensions)
    assert isinstance(html, str)
    page = tmp_path / "hostile.html"
    page.write_text(html, encoding="utf-8")
    seen = watch(browser, tmp_path / "profile", page.as_uri())
    assert seen["loaded"]
    assert seen["dialogs"] == []  # no alert(1)
    assert seen["exceptions"] == []
    assert seen["requests"] == [page.as_uri()]  # <img src=x> stayed text
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-hostile.png"
    result = run(
        browser, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_examples_report_in_chromium(browser: str, tmp_path: Path, lang: str) -> None:
    """The reference example's report: offline, quiet, and the main goal's status in view.

    The example needs the ``ssb`` plugin, so this test uses the installed plugins.
    """
    import regionplan
    from regionplan.data.sources import SourceContext

    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path / "cache", offline=True)
    evaluation = regionplan.evaluate(plan, as_of="2026-11-26", context=context)
    html = render(evaluation, "html", lang=lang)
    assert isinstance(html, str)
    page = tmp_path / "gardermoregionen.html"
    page.write_text(html, encoding="utf-8")
    url = page.as_uri()

    seen = watch(browser, tmp_path / "profile-cdp", url)
    assert seen["loaded"] and seen["console_errors"] == [] and seen["exceptions"] == []
    assert seen["requests"] == [url], "the report must not request anything but itself"

    dom = run(browser, tmp_path / "profile-dom", "--dump-dom", url).stdout
    main = build_report(evaluation, lang=lang).headline[0]
    assert main.status is not None and main.status.value == "off_track"  # balance is off track from 2019
    assert main.title in dom and main.status.label in dom
    assert "Kilde: Statistisk sentralbyrå, tabell 11618" in dom
    # what the verdict rests on is on the page: coverage and mix, caveats, the balance's base periods
    assert main.basis is not None and main.basis.short in dom and main.basis.caveat_texts[0] in dom
    assert 'class="card status-off_track caveated main"' in dom
    assert dom.count('<table class="sensitivity">') == 2  # the balance and the recovery

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"gardermoregionen-{lang}.png"
    shot.unlink(missing_ok=True)
    result = run(browser, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2600", url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # on a phone nothing but a wide table (which scrolls in its own box) reaches past the edge
    phone = ARTIFACTS / f"gardermoregionen-{lang}-390.png"
    layout = on_a_phone(browser, tmp_path / "profile-phone", url, phone)
    assert layout["width"] == 390 and layout["overflow"] == [] and layout["scroll"] <= 390, layout
    assert phone.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


#: Per chart: its data table's rows and the text its CSV link downloads (decoded by the browser).
_CSV_LINKS = """(async () => {
  const out = [];
  for (const card of document.querySelectorAll("article.chart-card")) {
    const table = card.querySelector("table.chart-data");
    if (!table) continue;
    const link = card.querySelector('a[download][href^="data:text/csv"]');
    const rows = [...table.querySelectorAll("tbody tr")].map((tr) =>
      [...tr.children].map((cell) => cell.textContent.trim()));
    const csv = link ? await (await fetch(link.href)).text() : null;
    out.push({ rows, csv, name: link ? link.getAttribute("download") : null });
  }
  return JSON.stringify(out);
})()"""


def _shown_number(text: str) -> float | None:
    """A number as the page shows it ("−9,7", "47 815") as a float; None for "–"."""
    if text in {"", "–"}:
        return None
    return float(text.replace("\u2212", "-").replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _decimals(text: str) -> int:
    return len(text.split(",", 1)[1]) if "," in text else 0


def test_each_charts_figures_download_as_csv(browser: str, tmp_path: Path) -> None:
    """Each chart's CSV link exists, works offline, starts with its provenance and credit, and
    holds the figures of the chart's data table."""
    import csv as csvmod

    import regionplan
    from regionplan.data.sources import SourceContext

    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path / "cache", offline=True)
    evaluation = regionplan.evaluate(plan, as_of="2026-11-26", context=context)
    html = render(evaluation, "html", lang="nb")
    assert isinstance(html, str)
    page = tmp_path / "csv.html"
    page.write_text(html, encoding="utf-8")
    tools = DevTools(browser, tmp_path / "profile-csv")
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": page.as_uri()}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        found = tools.send(
            "Runtime.evaluate",
            {"expression": _CSV_LINKS, "returnByValue": True, "awaitPromise": True},
            session=session,
        )
    finally:
        tools.close()
    charts = json.loads(found["result"]["value"])
    report = build_report(evaluation, lang="nb")
    assert len(charts) == sum(1 for c in report.charts if c.history) == 2
    for chart in charts:
        assert chart["csv"] is not None and chart["name"].endswith(".csv")
        text = chart["csv"].lstrip("\ufeff")
        lines = text.splitlines()
        assert lines[0].startswith("# ") and "Gardermoregionen" in lines[0]
        assert lines[1] == f"# {report.rests_on}"
        assert "# Kilde: Statistisk sentralbyrå, tabell 11618 · CC BY 4.0" in lines
        data = list(csvmod.reader(line for line in lines if not line.startswith("#")))
        assert data[0] == ["periode", "observert", "målbane"]
        assert [row[0] for row in data[1:]] == [row[0] for row in chart["rows"]]
        for got, shown in zip(data[1:], chart["rows"], strict=True):
            for value, cell in zip(got[1:], shown[1:], strict=True):
                expected = _shown_number(cell)
                if expected is None:
                    assert value == ""
                else:
                    assert round(float(value), _decimals(cell)) == pytest.approx(expected)


#: The goal tree before and after ticking "measured only" and a status (CSS alone, no script).
_TREE_FILTERS = """(() => {
  const rows = () => [...document.querySelectorAll("#goal-graph .tree li")];
  const shown = (li) => getComputedStyle(li).display !== "none";
  const top = document.querySelectorAll("#goal-graph .tree > li > details[open]").length;
  const folded = [...document.querySelectorAll("#goal-graph .tree details")].filter((d) => !d.open).length;
  const before = rows().filter(shown).length;
  document.getElementById("tf-measured").click();
  const unmeasuredShown = rows().filter((li) => li.dataset.measured === "0" && shown(li)).length;
  const measured = rows().filter(shown).length;
  document.getElementById("tf-off_track").click();
  const offTrack = rows().filter(shown).map((li) => li.dataset.statuses);
  return JSON.stringify({ top, folded, before, unmeasuredShown, measured, offTrack });
})()"""


def test_the_goal_tree_folds_and_filters_without_a_script(browser: str, tmp_path: Path) -> None:
    import regionplan
    from regionplan.data.sources import SourceContext

    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path / "cache", offline=True)
    evaluation = regionplan.evaluate(plan, as_of="2026-11-26", context=context)
    page = tmp_path / "tree.html"
    page.write_text(str(render(evaluation, "html", lang="nb")), encoding="utf-8")
    tools = DevTools(browser, tmp_path / "profile-tree")
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": page.as_uri()}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        found = tools.send(
            "Runtime.evaluate", {"expression": _TREE_FILTERS, "returnByValue": True}, session=session
        )
    finally:
        tools.close()
    seen = json.loads(found["result"]["value"])
    assert seen["top"] == 1 and seen["folded"] > 10  # the vision open, the parts below sub-goals folded
    assert seen["unmeasuredShown"] == 0 and 0 < seen["measured"] < seen["before"]
    assert seen["offTrack"] and all("off_track" in s.split() for s in seen["offTrack"])


#: The goal tree as all, then filtered by an actor, then by a focus area (a select each, CSS only).
_TREE_BY_ACTOR_AND_FOCUS = """(() => {
  const rows = () => [...document.querySelectorAll("#goal-graph .tree li")];
  const shown = () => rows().filter((li) => getComputedStyle(li).display !== "none");
  const out = { all: rows().length, before: shown().length };
  const actor = document.getElementById("tf-actor"), focus = document.getElementById("tf-focus");
  out.actors = actor.options.length - 1;
  out.focusAreas = [...focus.options].slice(1).map((o) => o.textContent);
  actor.value = "a4";
  out.byActor = shown().map((li) => li.dataset.actors);
  actor.value = "";
  focus.value = "f1";
  out.byFocus = shown().map((li) => [li.dataset.focus, li.querySelector(".node").textContent]);
  return JSON.stringify(out);
})()"""


def test_the_goal_tree_filters_by_actor_and_focus_area_without_a_script(browser: str, tmp_path: Path) -> None:
    import regionplan
    from regionplan.data.sources import SourceContext

    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path / "cache", offline=True)
    evaluation = regionplan.evaluate(plan, as_of="2026-11-26", context=context)
    html = str(render(evaluation, "html", lang="nb"))
    assert "<script" not in html
    page = tmp_path / "tree.html"
    page.write_text(html, encoding="utf-8")
    tools = DevTools(browser, tmp_path / "profile-tree")
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": page.as_uri()}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        found = tools.send(
            "Runtime.evaluate",
            {"expression": _TREE_BY_ACTOR_AND_FOCUS, "returnByValue": True},
            session=session,
        )
    finally:
        tools.close()
    seen = json.loads(found["result"]["value"])
    report = build_report(evaluation, lang="nb")
    assert seen["before"] == seen["all"]  # nothing chosen: the whole tree
    assert seen["actors"] == sum(1 for a in report.actors if a.elements)
    focus_areas = [n.label for n in report.diagram.nodes if n.kind == "focus_area"]
    assert seen["focusAreas"] and set(seen["focusAreas"]) <= set(focus_areas)
    # an actor's parts and the rows leading to them, nothing else
    assert 0 < len(seen["byActor"]) < seen["all"]
    assert all("a4" in tokens.split() for tokens in seen["byActor"])
    # a focus area: the rows leading to it, itself and all below it
    assert 0 < len(seen["byFocus"]) < seen["all"]
    assert all("f1" in tokens.split() for tokens, _ in seen["byFocus"])
    assert any(seen["focusAreas"][0] in text for _, text in seen["byFocus"])

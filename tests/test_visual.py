"""The example's HTML report looks as reviewed: screenshots against reference images.

Chromium (headless, Debian's, with the machine's DejaVu and Liberation fonts) lays the
report of ``examples/gardermoregionen`` as of a fixed date out 1280 and 390 CSS px wide
and takes the whole page. Each screenshot, in grey and at a third of its size, is compared
with the reviewed image in ``tests/visual/`` (8 shades): the page's height within 2 %, and
at most 2 % of the pixels (of the shorter height) differing by more than a quarter of the
grey range. So a
broken layout (a column collapsed, a chart at the wrong size, a table pushing past the edge,
a lost stylesheet) fails; a font's hinting does not.

After an intended change, look at the new images in ``test-artifacts/visual/`` and
regenerate the references with ``REGIONPLAN_UPDATE_VISUAL=1 python -m pytest tests/test_visual.py``
(then look at them again before committing them).
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.report.renderers import render
from test_html_browser import ARTIFACTS, EXAMPLE, DevTools, chromium

pytestmark = pytest.mark.browser

REFERENCES = Path(__file__).resolve().parent / "visual"
AS_OF = "2026-11-26"
HEIGHT_TOLERANCE = 0.02
PIXEL_TOLERANCE = 0.02
GREY_STEP = 64  # of 255: a pixel "differs" past a quarter of the grey range


def screenshot(browser: str, profile: Path, url: str, width: int) -> Image.Image:
    """The whole page laid out ``width`` CSS px wide (a phone below 600), at one device pixel
    per CSS pixel."""
    tools = DevTools(browser, profile)
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
        tools.send("Emulation.setDeviceMetricsOverride", metrics, session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": url}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        size = tools.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}
        shot = tools.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
            session=session,
        )
    finally:
        tools.close()
    return Image.open(io.BytesIO(base64.b64decode(shot["data"])))


def comparable(image: Image.Image) -> Image.Image:
    """Grey in 8 shades, at a third of the size: what is compared and kept as the reference
    (small enough to commit, fine enough for the layout; a shade is half of GREY_STEP)."""
    grey = image.convert("L")
    small = grey.resize((max(1, grey.width // 3), max(1, grey.height // 3)), Image.Resampling.BOX)
    return small.point(lambda v: v // 32 * 32 + 16)


def differing_share(got: Image.Image, want: Image.Image) -> float:
    """The share of pixels, over the shorter of the two heights, differing by more than GREY_STEP."""
    height = min(got.height, want.height)
    a = np.asarray(got, dtype=np.int16)[:height]
    b = np.asarray(want, dtype=np.int16)[:height]
    return float(np.mean(np.abs(a - b) > GREY_STEP))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    evaluation = regionplan.evaluate(plan, as_of=AS_OF, context=context)
    path = tmp_path_factory.mktemp("visual") / "gardermoregionen.html"
    path.write_text(str(render(evaluation, "html", lang="nb")), encoding="utf-8")
    return path.as_uri()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_examples_report_looks_as_reviewed(page: str, tmp_path: Path, width: int) -> None:
    shot = screenshot(chromium(), tmp_path / "profile", page, width)
    got = comparable(shot)
    name = f"gardermoregionen-nb-{width}.png"
    out = ARTIFACTS / "visual"
    out.mkdir(parents=True, exist_ok=True)
    shot.save(out / f"full-{name}")  # to look at
    got.save(out / name)
    reference = REFERENCES / name
    if os.environ.get("REGIONPLAN_UPDATE_VISUAL"):
        got.save(reference, optimize=True)
    assert reference.exists(), f"no reference {reference}: make it with REGIONPLAN_UPDATE_VISUAL=1"
    want = Image.open(reference)
    assert got.width == want.width
    hint = f"see {out / name} against {reference}; if intended, update with REGIONPLAN_UPDATE_VISUAL=1"
    assert abs(got.height - want.height) <= HEIGHT_TOLERANCE * want.height, (
        f"page height {got.height} against {want.height}: {hint}"
    )
    share = differing_share(got, want)
    if share > PIXEL_TOLERANCE:
        height = min(got.height, want.height)
        diff = np.abs(np.asarray(got, dtype=np.int16)[:height] - np.asarray(want, dtype=np.int16)[:height])
        Image.fromarray(((diff > GREY_STEP) * 255).astype(np.uint8)).save(out / f"diff-{name}")
    assert share <= PIXEL_TOLERANCE, f"{share:.1%} of the pixels differ: {hint}"


def test_the_comparison_sees_a_broken_layout() -> None:
    """A page whose column collapsed (content squeezed to the left half) is far past the tolerance."""
    reference = Image.open(REFERENCES / "gardermoregionen-nb-1280.png")
    squeezed = Image.new("L", reference.size, 255)
    squeezed.paste(reference.resize((reference.width // 2, reference.height)), (0, 0))
    assert differing_share(squeezed, reference) > PIXEL_TOLERANCE
    assert differing_share(reference, reference) == 0

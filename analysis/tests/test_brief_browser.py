"""The policy brief in a real browser: Debian's headless Chromium renders it at 1,280 px, every image
decodes, nothing scrolls sideways, the headline and decile sections are there, and a screenshot is taken.

Chromium is installed by `scripts/install-deps.sh --test` (scripts/test.sh), never by the quick start;
without it this file is skipped, unless CPSIM_REQUIRE_CHROMIUM=1 (set by scripts/test.sh) makes that a
failure. CPSIM_BRIEF_SCREENSHOT=PATH keeps a copy of the screenshot to look at.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from html import unescape
from pathlib import Path

import pytest

from brief_data import make_pension_study
from cpsim_analysis.__main__ import main as cli_main

WIDTH = 1280
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
# Appended to a copy of the brief (the brief itself has no script): after load, records what the
# browser made of the page in an attribute that --dump-dom prints.
CHECK_SCRIPT = """<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const result = {
    images: images.length,
    decoded: images.filter(i => i.complete && i.naturalWidth > 0).length,
    widths: images.map(i => i.naturalWidth),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    innerWidth: window.innerWidth,
    sections: Array.from(document.querySelectorAll("section")).map(s => s.id),
    headline: (document.querySelector("#headline .card .change") || {}).textContent || "",
    decileFigure: !!document.querySelector("#deciles img"),
  };
  document.body.setAttribute("data-check", JSON.stringify(result));
});
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Debian's chromium is not installed (scripts/install-deps.sh --test installs it)"
        if os.environ.get("CPSIM_REQUIRE_CHROMIUM") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def browser(*args: str, home: Path) -> subprocess.CompletedProcess:
    # A private profile and HOME: nothing of the user's, nothing kept.
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={home / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def brief_page(results_dir, tmp_path_factory) -> Path:
    chromium()  # skip before running the study when there is no browser
    directory = tmp_path_factory.mktemp("brief-browser")
    study = make_pension_study(directory)
    page = directory / "brief.html"
    assert cli_main(["report", str(study), "-o", str(page)]) == 0
    return page


def test_every_image_decodes_and_nothing_scrolls_sideways(brief_page, tmp_path):
    checked = tmp_path / "checked.html"
    checked.write_text(brief_page.read_text(encoding="utf-8").replace("</body>", CHECK_SCRIPT + "</body>"),
                       encoding="utf-8")
    result = browser("--dump-dom", f"--window-size={WIDTH},900", "--virtual-time-budget=10000",
                     checked.as_uri(), home=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    found = [line for line in result.stdout.split('data-check="')[1:]]
    assert found, "the page script did not run:\n" + result.stdout[:2000]
    check = json.loads(unescape(found[0].split('"', 1)[0]))
    assert check["images"] >= 5 and check["decoded"] == check["images"], check
    assert min(check["widths"]) > 100, check
    assert check["innerWidth"] == WIDTH, check
    assert check["scrollWidth"] <= check["clientWidth"], f"horizontal scrollbar: {check}"
    assert check["sections"][:2] == ["headline", "deciles"], check
    assert check["headline"].startswith(("+", "-")) and check["decileFigure"], check


def test_screenshot(brief_page, tmp_path):
    shot = tmp_path / "brief.png"
    result = browser(f"--screenshot={shot}", f"--window-size={WIDTH},2400", "--hide-scrollbars",
                     brief_page.as_uri(), home=tmp_path)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (WIDTH, 2400)
    assert shot.stat().st_size > 100_000  # a page of figures, not a blank one
    keep = os.environ.get("CPSIM_BRIEF_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)

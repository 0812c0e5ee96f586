"""`fangzhi serve` as an editor uses it: edit site_config/, watch the open page change.

A copy of the project is served by the real command (a subprocess on a free
port); headless Chromium (conftest's ``browser``) keeps a reading page open while the test edits
corrections.yml, and the page must show the correction by itself (MkDocs'
livereload), without the test reloading it. The raw texts read as UTF-8 from the dev server. A broken YAML edit must be one
``fangzhi: error:`` line while the last good site goes on being served.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, make_project

START_TIMEOUT = 300  # first build, parse cache cold, and MkDocs' first full build
VISIBLE_TIMEOUT = 60
PAGE = "sources/guta-dsj/"
# guta-dashiji-2012-2021.txt line 34 reads "新房，大程度结局困难百姓民生问题。" (an OCR slip for 解决)
CORRECTION = """
  - source: guta-dsj
    line: 34
    wrong: 大程度结局
    right: 大程度解决
    note: 测试：OCR 误字。
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m builder serve` in a project folder, its output collected line by line."""

    def __init__(self, project: Path, port: int, args: list[str] | None = None) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--dev-addr", f"127.0.0.1:{port}", *(args or [])],
            cwd=project, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", bufsize=1,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, predicate, timeout: float, start: int = 0) -> str:  # type: ignore[no-untyped-def]
        """The first line from ``start`` on for which ``predicate`` holds (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines[start:]:
                    if predicate(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError("no such line; output:\n" + "\n".join(self.lines))
                self.cond.wait(left)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.reader.join(5)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("serve"))
    shutil.copytree(REPO / "source_texts", project / "source_texts")
    shutil.copytree(REPO / "site_config", project / "site_config")
    server = Server(project, _free_port())
    try:
        line = server.wait_for(lambda ln: ln.startswith("serving http"), START_TIMEOUT)
        url = line.split()[1]
        yield project, url, server
    finally:
        code = server.stop()
    assert code == 0, "\n".join(server.lines)
    assert server.lines[-1] == "stopped"


@pytest.mark.browser
def test_start_prints_a_few_lines(live):
    _, url, server = live
    assert url.startswith("http://127.0.0.1:")
    assert len(server.lines) <= 6, server.lines
    assert not any("not included in" in ln for ln in server.lines)


@pytest.mark.browser
def test_raw_texts_and_the_source_viewer_are_served(live, browser):
    """Issue 15: the raw text reads as UTF-8 however the dev server labels it (a BOM leads it),
    and a record's line opens the source viewer."""
    _, url, _ = live
    page = browser.new_page()
    page.goto(url + "data/raw/guta-dsj.txt")
    assert "城市低保标准由每人每月" in page.inner_text("body")
    assert page.evaluate("() => document.characterSet") == "UTF-8"
    page.goto(url + PAGE)
    page.locator("a.fz-line").first.click()
    page.wait_for_url(lambda u: "/text/1/#L" in u)
    assert page.locator(".fz-l.fz-hl").count() == 1
    page.close()


@pytest.mark.browser
def test_a_correction_shows_on_the_open_page_by_itself(live, browser):
    project, url, server = live
    page = browser.new_page()
    page.goto(url + PAGE)
    assert "大程度结局" in page.inner_text("body")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    start = len(server.lines)
    saved = time.monotonic()
    # no goto, no reload here: MkDocs' livereload reloads the page once the rebuild is done (the load event
    # is awaited, not only the new text: on a loaded machine the text can show before the event is delivered)
    with page.expect_event("load", timeout=VISIBLE_TIMEOUT * 1000), \
            (project / "site_config" / "corrections.yml").open("a", encoding="utf-8") as f:
        f.write(CORRECTION)
    page.wait_for_function("!!document.body && document.body.innerText.includes('大程度解决')", timeout=VISIBLE_TIMEOUT * 1000)
    seconds = time.monotonic() - saved
    assert loads and loads[-1].endswith(PAGE)  # reloaded in place, by the page itself
    assert "大程度结局" not in page.inner_text("body")
    assert page.locator("span.fz-corr", has_text="解决").count() >= 1  # the original on hover
    line = server.wait_for(lambda ln: "corrections.yml" in ln and "changed" in ln, 10, start)
    print(f"visible after {seconds:.1f} s; {line}")
    page.close()


@pytest.mark.browser
def test_a_broken_config_is_one_error_line_and_the_site_stays(live, browser):
    project, url, server = live
    path = project / "site_config" / "corrections.yml"
    good = path.read_text("utf-8")
    start = len(server.lines)
    path.write_text(good + "\n  - source: [guta-dsj\n", encoding="utf-8")  # an unclosed flow sequence
    error = server.wait_for(lambda ln: ln.startswith("fangzhi: error:"), 30, start)
    assert "corrections.yml" in error
    time.sleep(2)  # nothing more comes of it
    assert [ln for ln in server.lines[start:] if ln.startswith("fangzhi: error:")] == [error]
    assert not [ln for ln in server.lines[start:] if "Traceback" in ln]
    assert server.proc.poll() is None
    with urllib.request.urlopen(url + PAGE, timeout=30) as resp:  # the last good site
        assert resp.status == 200
        assert "大程度解决" in resp.read().decode("utf-8")
    # fixed again: serving goes on as before
    page = browser.new_page()
    page.goto(url + PAGE)
    start = len(server.lines)
    path.write_text(good.replace(CORRECTION, ""), encoding="utf-8")
    page.wait_for_function("!!document.body && document.body.innerText.includes('大程度结局')", timeout=VISIBLE_TIMEOUT * 1000)
    server.wait_for(lambda ln: "changed" in ln, 10, start)
    page.close()


def test_stale_generated_pages_are_removed_and_the_rest_left_alone(tmp_path):
    from builder.files import write_if_changed
    from builder.pipeline import remove_stale

    docs = tmp_path / "docs"
    for rel in ("years/2012/index.md", "years/2012/p2/index.md", "years/2012/p3/index.md", "about.md",
                "data/search/manifest.js"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(rel, encoding="utf-8")
    removed = remove_stale(docs, {"years/2012/index.md", "years/2012/p2/index.md"})
    assert removed == ["years/2012/p3/index.md"]
    assert not (docs / "years/2012/p3").exists()  # its folder too, once empty
    assert (docs / "about.md").exists() and (docs / "data/search/manifest.js").exists()  # not pages we make
    page = docs / "years/2012/index.md"
    before = page.stat().st_mtime_ns
    time.sleep(0.01)
    assert not write_if_changed(page, b"years/2012/index.md") and page.stat().st_mtime_ns == before
    assert write_if_changed(page, b"new") and page.read_text() == "new"

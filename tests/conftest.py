"""Shared fixtures: one real build of the whole archive per test session."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import socketserver
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from builder.render.pages import GENERATED_DIRS

REPO = Path(__file__).resolve().parent.parent

# tests assert behaviour, not speed: no per-example deadline (a loaded 2-core CI machine
# would otherwise fail a property test for being slow)
settings.register_profile("fangzhi", deadline=None)
settings.load_profile("fangzhi")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def make_project(tmp: Path) -> Path:
    """A throw-away copy of the hand-written parts of the project (docs/, mkdocs.yml)."""
    project = tmp / "project"
    shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS))
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    return project


SMALL = ("guta-dsj", "guta-tuopin-report")  # a chronicle and a short report: about 40 KB of text


def small_config(dest: Path, keep: tuple[str, ...] = SMALL) -> Path:
    """A copy of site_config/ whose sources.yml keeps only the documents ``keep``: a small
    archive for the tests that need a build of their own (the whole seed archive is built
    once per session, ``built``)."""
    cfg = dest / "site_config"
    shutil.copytree(REPO / "site_config", cfg)
    # the file as written, less the records of other documents (each starts "  - id: …")
    head, *records = re.split(r"(?m)^(?=  - id: )", (cfg / "sources.yml").read_text("utf-8"))
    kept = [r for r in records if r.split(None, 3)[2] in keep]
    (cfg / "sources.yml").write_text(head + "".join(kept), "utf-8")
    for name in ("corrections.yml", "check.yml"):  # entries about the documents left out
        path = cfg / name
        if path.exists():
            top = yaml.safe_load(path.read_text("utf-8")) or {}
            for key, items in top.items():
                top[key] = [i for i in items or [] if i.get("source") in keep]
            path.write_text(yaml.safe_dump(top, allow_unicode=True, sort_keys=False), "utf-8")
    return cfg


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Run the real pipeline and the real `mkdocs build --strict` once."""
    from builder.pipeline import build

    tmp = tmp_path_factory.mktemp("build")
    project = make_project(tmp)
    site = project / "site"
    archive = build(project_dir=project, sources_dir=REPO / "source_texts", config_dir=REPO / "site_config",
                    out_dir=site)
    return archive, project, site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(built):
    """The built site over HTTP on a free loopback port."""
    _, _, site = built
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def watch_csp(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Content-Security-Policy violations on ``page`` from now on, as the console reports them."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():  # a failure, never a skip: the browser tests are part of the suite
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash scripts/setup.sh --test does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()

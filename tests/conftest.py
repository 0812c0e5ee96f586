"""Shared fixtures: one real build of the whole archive per test session."""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading
from pathlib import Path

import pytest

from builder.render.pages import GENERATED_DIRS

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def make_project(tmp: Path) -> Path:
    """A throw-away copy of the hand-written parts of the project (docs/, mkdocs.yml)."""
    project = tmp / "project"
    shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS))
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    return project


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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()

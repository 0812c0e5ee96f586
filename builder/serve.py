"""``fangzhi serve``: an editor's live preview.

One long-lived process builds the site once, starts MkDocs' dev server on it
(``mkdocs serve --dirty``, a child process watching ``docs/``) and then watches
``source_texts/`` and ``site_config/`` (watchdog). After an edit (debounced) it
runs our stages again in the same process, so what does not change stays warm:
the imports, jieba, the parse cache (only the edited document is re-parsed),
the classifier's cached model and predictions, the compiled templates.

* Pages are written only where their Markdown changed, and generated pages no
  longer produced are deleted (``render_archive(..., incremental=True)``), so
  MkDocs rebuilds only the changed pages and the browser reloads (livereload).
* The search index and the downloads go to ``.fangzhi-cache/serve/`` after
  the pages, once MkDocs has rebuilt them, written by a background thread so
  that the next edit need not wait for them; the dev server links them into the
  site it serves (``FANGZHI_LATE_FILES``, builder/publish/plugins.py), so
  writing them triggers no second rebuild or reload and the reload never waits
  for them.
* A configuration error is printed as one ``fangzhi: error: …`` line and the
  last good site goes on being served.
* MkDocs' own log is cut to a few lines: the URL, what it built, its warnings
  and errors (not the thousands of generated pages outside the nav).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from builder.config import ConfigError
from builder.pipeline import (
    CACHE_DIR,
    MODEL_CACHE_DIR,
    TEMPLATE_CACHE_DIR,
    Archive,
    BuildError,
    enrich_archive,
    index_archive,
    load_archive,
    render_archive,
    require_jieba,
    write_downloads,
)
from builder.publish.plugins import LATE_FROM
from builder.sources.provenance import provenance, source_date_epoch

LATE_DIR = ".fangzhi-cache/serve"  # the search index and downloads the dev server links in
DEBOUNCE = 0.15  # seconds without a further change before a rebuild starts (an editor's save is several events)
RELOAD_WAIT = 60.0  # at most this long for MkDocs' rebuild before the index is written anyway
_CHANGES = {"created", "deleted", "modified", "moved"}  # not opened/closed: our own reads must not count


def _ignored(path: str) -> bool:
    """Editors' temporary and backup files."""
    name = os.path.basename(path)
    return (not name or name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part"))
            or name == "4913")  # vim's probe


class _Changes(FileSystemEventHandler):
    """Remembers when a watched file last changed."""

    def __init__(self) -> None:
        self.pending = threading.Event()
        self.last = 0.0
        self.paths: set[str] = set()
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in _CHANGES:
            return
        paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p and not _ignored(str(p))]
        if not paths:
            return
        with self._lock:
            self.last = time.monotonic()
            self.paths.update(str(p) for p in paths)
        self.pending.set()

    def settle(self, quiet: float = DEBOUNCE) -> set[str]:
        """Wait for a change, then until none has come for ``quiet`` seconds; the paths changed."""
        self.pending.wait()
        while (left := self.last + quiet - time.monotonic()) > 0:
            time.sleep(left)
        with self._lock:
            self.pending.clear()
            paths, self.paths = self.paths, set()
        return paths


# `python -m mkdocs`, but stopped by SIGINT even when started from a shell that ignores it (a background job)
_MKDOCS = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from mkdocs.__main__ import cli; cli()"
_LEVEL = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+-\s+(?:\[\d\d:\d\d:\d\d\] )?(.*)$")
_NOISE = ("A 'dirty' build is being performed",)  # the dev server's --dirty, said on every rebuild
_JIEBA = ("Building prefix dict", "Loading model", "Prefix dict has been built", "Dumping model")


class DevServer:
    """``mkdocs serve --dirty`` as a child process, its log filtered down to what an editor needs."""

    def __init__(self, project_dir: Path, dev_addr: str, late_root: Path, echo: Callable[[str], None],
                 epoch: str = "") -> None:
        self.echo = echo
        self.url = ""
        self.ready = threading.Event()  # serving
        self.builds: list[tuple[float, float]] = []  # (when MkDocs finished, its seconds), in order
        self.failed: list[float] = []  # when a rebuild failed
        self._cond = threading.Condition()
        self._pending = 0.0  # seconds of the build just reported, until "Reloading browsers"
        self._show = True  # whether the continuation lines of the current message are shown
        env = {**os.environ, LATE_FROM: str(late_root.resolve()), "NO_MKDOCS_2_WARNING": "1"}
        if epoch:
            env.setdefault("SOURCE_DATE_EPOCH", epoch)
        # --no-strict: mkdocs.yml's strict mode fails every dirty build on MkDocs' own warning about it
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _MKDOCS, "serve", "--dirty", "--no-strict", "--dev-addr", dev_addr],
            cwd=project_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=env, text=True, encoding="utf-8", errors="replace", bufsize=1,
            start_new_session=True,  # Ctrl-C reaches us; we stop it (it then removes its temporary site)
        )
        self._reader = threading.Thread(target=self._read, name="mkdocs-log", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.rstrip("\n")
            if line[:1].isspace() or not line:  # the rest of a multi-line message
                if self._show and line:
                    self.echo(line)
                continue
            self._show = self._line(line)
        with self._cond:
            self._cond.notify_all()
        self.ready.set()  # it ended: nobody should wait for it any more

    def _line(self, line: str) -> bool:
        """Handle one message; whether it is shown."""
        m = _LEVEL.match(line)
        if not m:
            if line.startswith(_JIEBA):
                return False
            self.echo(line)  # e.g. a traceback
            return True
        level, text = m.groups()
        if level in ("WARNING", "ERROR", "CRITICAL"):
            if text.startswith(_NOISE):
                return False
            if text.startswith("An error happened during the rebuild"):
                with self._cond:
                    self.failed.append(time.monotonic())
                    self._cond.notify_all()
            self.echo(f"MkDocs: {level.lower()}: {text}")
            return True
        if text.startswith("Serving on "):
            self.url = text.removeprefix("Serving on ").strip()
            self.ready.set()
        elif built := re.match(r"Documentation built in ([\d.]+) seconds", text):
            self._pending = float(built.group(1))
            if not self.builds:
                self.echo(f"MkDocs built the site in {self._pending:.1f} s")
                with self._cond:
                    self.builds.append((time.monotonic(), self._pending))
        elif text.startswith("Reloading browsers"):
            self.echo(f"MkDocs rebuilt the changed pages in {self._pending:.2f} s; the browser reloads")
            with self._cond:
                self.builds.append((time.monotonic(), self._pending))
                self._cond.notify_all()
        return False

    def wait_rebuilt(self, after: float, timeout: float = RELOAD_WAIT) -> bool:
        """Wait until MkDocs has finished a rebuild (or failed one) after ``after`` (monotonic)."""
        def done() -> bool:
            return (any(t > after for t, _ in self.builds) or any(t > after for t in self.failed)
                    or self.proc.poll() is not None)
        with self._cond:
            return self._cond.wait_for(done, timeout)

    def stop(self) -> None:
        """Stop the dev server as Ctrl-C would (it deletes its temporary site), killing it if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)


@dataclass
class Round:
    """One run of our stages: what changed and how long each stage took."""

    archive: Archive
    changed: list[str] = field(default_factory=list)  # pages (re)written
    removed: list[str] = field(default_factory=list)  # pages no longer produced
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: float = 0.0  # CPU seconds of this process in them (wall time grows with the machine's load; this less)
    written_at: float = 0.0  # monotonic time the pages were on disk

    def summary(self) -> str:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in self.seconds.items())
        pages = (f"{len(self.changed)} page{'' if len(self.changed) == 1 else 's'} changed"
                 + (f", {len(self.removed)} removed" if self.removed else ""))
        return f"{pages} in {sum(self.seconds.values()):.2f} s ({stages}; CPU {self.cpu:.2f} s)"


class Preview:
    """Our stages, run again and again in this process."""

    def __init__(self, project_dir: Path, sources_dir: Path, config_dir: Path) -> None:
        self.project_dir, self.sources_dir, self.config_dir = project_dir, sources_dir, config_dir
        self.docs_dir = project_dir / "docs"
        self.late_root = project_dir / LATE_DIR

    def pages(self) -> Round:
        """Load, enrich and render; write the pages that changed. Raises ConfigError/BuildError."""
        seconds: dict[str, float] = {}
        cpu = time.process_time()
        start = time.perf_counter()
        archive = load_archive(self.config_dir, self.sources_dir, cache_dir=self.project_dir / CACHE_DIR)
        seconds["load"] = time.perf_counter() - start
        start = time.perf_counter()
        enrich_archive(archive, self.project_dir / MODEL_CACHE_DIR)
        archive.provenance = provenance(archive.cfg, self.sources_dir, self.config_dir)
        seconds["enrich"] = time.perf_counter() - start
        start = time.perf_counter()
        changed, removed = render_archive(archive, self.docs_dir, self.config_dir,
                                          self.project_dir / TEMPLATE_CACHE_DIR, incremental=True)
        seconds["render"] = time.perf_counter() - start
        return Round(archive, changed, removed, seconds, time.process_time() - cpu, time.monotonic())

    def late(self, archive: Archive) -> float:
        """The search index (swapped in whole) and the downloads, under ``LATE_DIR``; the seconds taken."""
        start = time.perf_counter()
        staging = self.late_root / ".next"
        shutil.rmtree(staging, ignore_errors=True)
        index_archive(archive, staging)
        index, old = self.late_root / "data" / "search", self.late_root / ".old"
        index.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(old, ignore_errors=True)
        if index.exists():
            index.rename(old)
        (staging / "data" / "search").rename(index)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        self.downloads(archive)
        return time.perf_counter() - start

    def downloads(self, archive: Archive) -> None:
        write_downloads(archive, self.late_root)


class LateWriter:
    """The search index and downloads of the newest round, written by one background thread, so
    that the next edit need not wait for them (at 10× the corpus they take several seconds).
    A round that comes while one is being written waits for it and is written next; rounds
    that come in between are skipped (only the newest one's files are worth writing). A thread,
    not a process: nothing is forked from a process with threads, nothing is pickled."""

    def __init__(self, preview: Preview, echo: Callable[[str], None]) -> None:
        self.preview, self.echo = preview, echo
        self._cond = threading.Condition()
        self._next: Archive | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="fangzhi-late", daemon=True)
        self._thread.start()

    def start(self, archive: Archive) -> None:
        with self._cond:
            self._next = archive
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._next is not None or self._stopped)
                if self._stopped:
                    return
                archive, self._next = self._next, None
            assert archive is not None
            try:
                seconds = self.preview.late(archive)
            except Exception as exc:  # noqa: BLE001 - reported like any error during serve
                self.echo(f"fangzhi: error: {type(exc).__name__}: {_one_line(exc)}")
                continue
            del archive
            self.echo(f"[{_stamp()}] search index and downloads written in {seconds:.2f} s")

    def cancel(self) -> None:
        """No further rounds; one being written finishes in its staging folder (at most a few seconds)."""
        with self._cond:
            self._stopped = True
            self._next = None
            self._cond.notify()
        self._thread.join(30)


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


def serve(project_dir: Path, sources_dir: Path, config_dir: Path, dev_addr: str,
          echo: Callable[[str], None] | None = None) -> None:
    """Build, serve and rebuild on every edit until interrupted (Ctrl-C or SIGTERM).

    The first build's ConfigError/BuildError is raised (there is no site to serve yet);
    later ones are printed as one ``fangzhi: error: …`` line each."""
    def say(line: str) -> None:
        print(line, file=sys.stderr if line.startswith("fangzhi: error:") else sys.stdout, flush=True)
    echo = echo or say
    require_jieba()
    preview = Preview(project_dir, sources_dir, config_dir)
    start = time.perf_counter()
    first = preview.pages()
    preview.downloads(first.archive)  # before MkDocs starts: it links each download into the site
    n_events = sum(1 for r in first.archive.records if r.type == "event")
    echo(f"built {len(first.archive.documents)} documents, {n_events} events, {len(first.changed)} pages changed "
         f"in docs/ ({time.perf_counter() - start:.1f} s)")
    previous = signal.signal(signal.SIGTERM, _interrupt)
    server = DevServer(project_dir, dev_addr, preview.late_root, echo, source_date_epoch(project_dir))
    observer = Observer()
    changes = _Changes()
    late = LateWriter(preview, echo)
    try:
        preview.late(first.archive)  # while MkDocs builds the site
        del first
        server.ready.wait()
        if server.proc.poll() is not None:
            raise BuildError(f"mkdocs serve stopped (exit {server.proc.returncode})")
        for folder in (sources_dir, config_dir):
            observer.schedule(changes, str(folder), recursive=True)
        observer.start()
        echo(f"serving {server.url} — rebuilds on edits to {_shown(sources_dir, project_dir)}/ and "
             f"{_shown(config_dir, project_dir)}/ (Ctrl-C stops)")
        while True:
            paths = changes.settle()
            shown = sorted(_shown(Path(p), project_dir) for p in paths if Path(p).exists()) or ["(deleted files)"]
            names = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
            try:
                step = preview.pages()
            except (ConfigError, BuildError) as exc:
                echo(f"fangzhi: error: {_one_line(exc)}")
                continue
            except Exception as exc:  # noqa: BLE001 - a bug: say so, keep serving the last good site
                echo(f"fangzhi: error: {type(exc).__name__}: {_one_line(exc)}")
                continue
            echo(f"[{_stamp()}] {names}: {step.summary()}")
            if step.changed or step.removed:
                server.wait_rebuilt(step.written_at)  # the reload first, then the index on a free core
            if not changes.pending.is_set():  # else edited again meanwhile: the next round writes them
                late.start(step.archive)
    except KeyboardInterrupt:
        pass
    finally:
        late.cancel()
        signal.signal(signal.SIGTERM, previous)
        if observer.is_alive():
            observer.stop()
            observer.join(5)
        server.stop()
        echo("stopped")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split("\n"))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _shown(path: Path, project_dir: Path) -> str:
    try:
        return path.resolve().relative_to(project_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


__all__ = ["DevServer", "Preview", "serve"]

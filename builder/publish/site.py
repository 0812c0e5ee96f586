"""Run MkDocs on the written pages and swap the new site in.

``SiteBuild`` starts ``mkdocs build --strict`` into a temporary folder as a
separate process once the pages are written, so that the last stages (the
search index and the downloads, which MkDocs does not process) are written on
the other core while it builds: the one overlap a bench shows to pay (about a
fifth of a first build). ``finish`` waits for it, adds the files written
meanwhile (``copy_late``) and swaps the new site in; a failed build leaves the
previous site untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from builder.publish.engine import ENGINES, site_build_command
from builder.publish.plugins import LATER, copy_late


class SiteBuildError(Exception):
    """MkDocs failed; the message holds its warnings and errors."""


def problems(log: str) -> str:
    """The WARNING/ERROR lines of MkDocs' log (what made a strict build fail), else its tail."""
    lines = [ln for ln in log.splitlines() if ln.startswith(("WARNING", "ERROR", "Aborted"))]
    return "\n".join(lines[-40:]) if lines else log[-4000:]


class SiteBuild:
    """``mkdocs build --strict`` (or ProperDocs', ``engine``) of ``project_dir`` into
    ``out_dir``.building, started now."""

    def __init__(self, project_dir: Path, out_dir: Path, *, config_file: Path | None = None,
                 epoch: str = "", engine: str = ENGINES[0]) -> None:
        self.out_dir = out_dir.resolve()
        self.tmp = self.out_dir.with_name(self.out_dir.name + ".building")
        shutil.rmtree(self.tmp, ignore_errors=True)
        env = os.environ.copy()
        if epoch:
            env.setdefault("SOURCE_DATE_EPOCH", epoch)  # no build-time dates in the output
        env.setdefault("NO_MKDOCS_2_WARNING", "1")
        env[LATER] = "later"
        # a file, not a pipe: nobody reads it until the end
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(site_build_command(engine, config_file or project_dir / "mkdocs.yml", self.tmp),
                                     cwd=project_dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.log, env=env, text=True)
        self.seconds = 0.0  # MkDocs' wall time, known once ``finish`` has waited for it

    def finish(self, docs_dir: Path) -> None:
        code = self.proc.wait()
        self.seconds = time.perf_counter() - self.started
        self.log.seek(0)
        log = self.log.read()
        self.log.close()
        if code != 0:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise SiteBuildError("mkdocs build --strict failed; the previous site is untouched:\n" + problems(log))
        copy_late(docs_dir, self.tmp)
        old = self.out_dir.with_name(self.out_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.out_dir.exists():
            self.out_dir.rename(old)
        self.tmp.rename(self.out_dir)
        shutil.rmtree(old, ignore_errors=True)

    def stop(self) -> None:
        """Stop MkDocs (our own stage failed) and drop its half-built site."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

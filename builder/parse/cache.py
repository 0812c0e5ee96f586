"""Parse documents in parallel, with a cache keyed by content hash.

Rules:

* A document's cache key is the SHA-256 of everything its parse depends on:
  the ``Source`` record (with the document's line range), the text of its
  file, the reviewed corrections for that source, and the code of the parse stage and the
  stages below it (``code_fingerprint``). Edit
  one line of one source and only that document's key changes, so a rebuild
  re-parses only that document; change the parser and every key changes.
* Entries are pickles under ``<cache_dir>/<key[:2]>/<key>.pickle``, written
  atomically (temp file + rename) behind an HMAC under a per-machine key
  (builder/files.py ``write_verified``): bytes this machine did not write are
  never unpickled. A missing, unreadable, corrupt or stale entry is simply a
  miss (a corrupt one is reported in one warning line): the cache can always be
  deleted. Pickle stays because a Document is a deep tree of a dozen model types
  and the MAC makes it as safe as the code itself.
* Misses are parsed in a process pool (one worker per core) when there are at
  least two of them; results come back in the order of the sources, so the
  output never depends on scheduling.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from builder.files import die_with, fault_point, read_verified, write_verified
from builder.model.document import Correction, Document, Source
from builder.parallel import active as parallel_active
from builder.parallel import run_tasks, workers_here
from builder.parse import parse_document
from builder.sources.ledger import whitespace_summary
from builder.sources.load import document_lines

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# what a parse result depends on: this stage and the ones below it (the import-linter layers)
PARSE_CODE = ("parse", "sources", "config", "model", "files.py")


@cache
def code_fingerprint() -> str:
    """Hash of the code a parse depends on: a change there invalidates every entry; a change
    in a later stage (enrich, render, …) does not."""
    h = hashlib.sha256()
    paths = [p for part in PARSE_CODE for p in ((PACKAGE_DIR / part).rglob("*.py") if part.isidentifier()
                                               else [PACKAGE_DIR / part])]
    for path in sorted(paths):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class ParseJob:
    """One document to parse: its source record, its file's decoded text and its corrections.

    The worker cuts the document's lines out of the text (``document_lines``), so
    that work is spread over the cores too; ``name`` (the file's path) is for errors."""

    source: Source
    text: str
    corrections: tuple[Correction, ...] = ()
    name: str = ""

    def key(self) -> str:
        h = hashlib.sha256()
        h.update(code_fingerprint().encode())
        h.update(repr(self.source).encode())  # includes the document's line range
        h.update(repr(self.corrections).encode())
        h.update(self.text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def run_job(job: ParseJob) -> tuple[Document, float, float]:
    """Cut the document's lines (normalise) and parse them (top-level so a worker
    process can run it), with its whitespace counts for the ledger; also the
    seconds each of the two steps took."""
    start = time.perf_counter()
    lines = document_lines(job.source, job.text, name=job.name)
    cut = time.perf_counter()
    doc = parse_document(job.source, lines, job.corrections)
    doc.whitespace = whitespace_summary(doc, lines)
    return doc, cut - start, time.perf_counter() - cut


@dataclass
class ParseStats:
    parsed: list[str] = field(default_factory=list)  # source ids parsed in this run
    cached: list[str] = field(default_factory=list)  # source ids taken from the cache
    # seconds the workers spent cutting lines (normalise) and parsing, summed over documents
    normalise_seconds: float = 0.0
    parse_seconds: float = 0.0


@dataclass
class ParseCache:
    """A folder of parsed documents; ``None`` as folder disables caching."""

    folder: Path | None

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Document | None:
        if self.folder is None:
            return None
        data = read_verified(self._path(key), key)
        if data is None:
            return None
        try:  # signed here, so written by this code: only a change of the model's classes can fail
            doc = pickle.loads(data)
        except Exception:  # noqa: BLE001 - any failure is a miss
            return None
        return doc if isinstance(doc, Document) else None

    def put(self, key: str, doc: Document) -> None:
        if self.folder is None:
            return
        write_verified(self._path(key), pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), key)


def _size(job: ParseJob) -> int:
    """About how long the document is (its share of its file's characters)."""
    if job.source.lines is None:
        return len(job.text)
    first, last = job.source.lines
    return len(job.text) * (last - first + 1) // max(1, job.text.count("\n") + 1)


# "forkserver" (the default from Python 3.14): workers start from a clean process, so a
# thread of the caller's (a progress display) is never copied into them; they import only
# the parse stage and those below it, which import no numpy (see the import-linter contract)
_POOL_CONTEXT = multiprocessing.get_context(
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")


def parse_all(jobs: Sequence[ParseJob], cache: ParseCache, workers: int | None = None) -> tuple[list[Document], ParseStats]:
    """Parse every job (cached ones are loaded), in parallel; results in job order."""
    stats = ParseStats()
    keys = [job.key() for job in jobs]
    docs: list[Document | None] = [cache.get(k) for k in keys]
    todo = [i for i, d in enumerate(docs) if d is None]
    workers = workers or workers_here()
    if parallel_active() and len(todo) >= 2:  # each document a task on the Dask cluster (builder/parallel.py)
        order = sorted(todo, key=lambda i: -_size(jobs[i]))
        results = dict(zip(order, run_tasks(run_job, [jobs[i] for i in order]), strict=True))
    elif len(todo) >= 2 and workers > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=_POOL_CONTEXT,
                                 initializer=die_with, initargs=(os.getpid(),)) as pool:
            # biggest first, so one long document does not start last
            order = sorted(todo, key=lambda i: -_size(jobs[i]))
            parsed = pool.map(run_job, [jobs[i] for i in order])
            fault_point("parsing")  # the workers are busy: a killed build must not leave them behind
            results = dict(zip(order, parsed))
    else:
        results = {i: run_job(jobs[i]) for i in todo}
    for i, (doc, normalise_s, parse_s) in results.items():
        docs[i] = doc
        cache.put(keys[i], doc)
        stats.normalise_seconds += normalise_s
        stats.parse_seconds += parse_s
    for i, job in enumerate(jobs):
        (stats.parsed if i in results else stats.cached).append(job.source.id)
    return [d for d in docs if d is not None], stats

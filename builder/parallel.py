"""Where work leaves this process: one small function, ``run_tasks``, and where it runs, ``cluster``.

Without a cluster, ``run_tasks`` calls the function on each item here, in order (the parse stage keeps
its own pool of local processes, builder/parse/cache.py, because bench/parse.py shows it pays on one
machine). Inside ``with cluster(workers=N)`` (a ``dask.distributed`` LocalCluster of N worker processes)
or ``with cluster(scheduler="tcp://HOST:PORT")`` (a running Dask scheduler and its workers), the items
are Dask tasks: ``run_tasks`` submits them all and hands each result back **in the order of the
items** as soon as it and every item before it are done, so a caller that writes results as they come
writes the same bytes in the same order whichever way they ran, and holds at most the results that
finished early. A task's function and arguments must be picklable (module-level functions and
dataclasses), and a task must not depend on the machine it runs on: its inputs go with it as data.

Dask (``dask.distributed``) is imported only when a cluster is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_client: Any = None  # the dask.distributed Client of the innermost ``cluster``, if any


class ClusterError(Exception):
    """The cluster could not be reached or started; the message says why."""


def active() -> bool:
    """Whether ``run_tasks`` sends work to a Dask cluster."""
    return _client is not None


@contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None) -> Iterator[None]:
    """Run the ``run_tasks`` inside on Dask: a local cluster of ``workers`` processes (one thread
    each), or the scheduler at ``scheduler``; with neither, nothing changes."""
    global _client
    if not workers and not scheduler:
        yield
        return
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ClusterError("dask.distributed is not installed: `pip install -e .` installs it") from None
    local = None
    # a task may start processes of its own (MkDocs, which runs as a subprocess): workers that are
    # not daemons may; memory per worker is the largest task's, so no limit is set here
    with dask.config.set({"distributed.worker.daemon": False, "distributed.logging.distributed": "error"}):
        try:
            if scheduler:
                client = Client(scheduler, timeout="30s")
            else:
                local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=None, memory_limit=0, silence_logs=40)
                client = Client(local)
        except (OSError, TimeoutError) as exc:
            if local is not None:
                local.close()
            raise ClusterError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from None
    previous, _client = _client, client
    try:
        yield
    finally:
        _client = previous
        client.close()
        if local is not None:
            local.close()


def run_tasks(fn: Callable[..., R], items: Iterable[T], *args: Any) -> Iterator[R]:
    """``fn(item, *args)`` for every item, yielded in the order of ``items`` — on the cluster if one is
    active (each item one task), else here, one after the other. On a cluster ``items`` is read as the
    tasks go: at most two tasks per worker thread are submitted and not yet handed back, so a
    generator of large items (a collection's files) is never all in memory."""
    if _client is None:
        for item in items:
            yield fn(item, *args)
        return
    from distributed import as_completed

    window = 2 * max(1, sum(_client.nthreads().values()))
    source = iter(items)
    running = as_completed()
    order: dict[str, int] = {}
    done: dict[int, R] = {}
    submitted = handed = 0

    def fill() -> None:
        nonlocal submitted
        while submitted - handed < window:
            try:
                item = next(source)
            except StopIteration:
                return
            future = _client.submit(fn, item, *args, pure=False)
            order[future.key] = submitted
            running.add(future)
            submitted += 1

    fill()
    try:
        for future in running:
            done[order.pop(future.key)] = future.result()  # a task's exception is raised here
            future.release()
            while handed in done:
                yield done.pop(handed)
                handed += 1
            fill()
    finally:
        running.clear()


def workers_here() -> int:
    """Processes a local pool may use: one per core, or 1 inside a Dask task (the cluster is the pool)."""
    try:
        from distributed import get_worker

        get_worker()
        return 1
    except (ImportError, ValueError):
        return os.cpu_count() or 1


__all__ = ["ClusterError", "active", "cluster", "run_tasks", "workers_here"]

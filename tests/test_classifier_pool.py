"""The classifier in a process of its own (builder/pipeline.py ``build``) labels as it did in this one.

``enrich_archive`` with a pool starts the classifier's work there, makes the
regions, records and cross-links meanwhile and sets the predicted topics last,
on the document nodes and on the records already built. These tests enrich the
real archive without a pool and with one and compare every record, check that a
warm cache sends nothing to the pool, and that a worker that fails or dies
stops the build with its own error or a BuildError instead of hanging.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from builder.enrich.classify import preload
from builder.model.document import Entry, Event, Section
from builder.pipeline import Archive, BuildError, enrich_archive, load_and_parse

from .conftest import REPO


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """The 1× archive, parsed once; each test enriches its own copy."""
    return load_and_parse(REPO / "site_config", REPO / "source_texts",
                          cache_dir=tmp_path_factory.mktemp("parse"))


@pytest.fixture(scope="module")
def unpooled(parsed: Archive) -> Archive:
    """Enriched as before the pool: trained and predicted here, nothing cached."""
    archive = copy.deepcopy(parsed)
    enrich_archive(archive)
    return archive


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("classifier")


@pytest.fixture(scope="module")
def pooled(parsed: Archive, model_cache: Path) -> Archive:
    """Enriched as ``build`` does on a first build: model and predictions made in a spawned process."""
    archive = copy.deepcopy(parsed)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(preload)
        enrich_archive(archive, model_cache, pool)
    return archive


def _labels(archive: Archive) -> dict[str, tuple[list[str], list[str]]]:
    """(topics, regions) of every record."""
    return {r.id: (r.topics, r.regions) for r in archive.records}


def _node_topics(archive: Archive) -> dict[str, list[str]]:
    return {n.id: n.topics for doc in archive.documents for n in doc.root.walk()
            if isinstance(n, (Event, Entry, Section))}


def test_the_pool_gives_every_record_the_topics_it_had_without(unpooled: Archive, pooled: Archive) -> None:
    assert [r.id for r in pooled.records] == [r.id for r in unpooled.records]
    assert _labels(pooled) == _labels(unpooled)
    assert _node_topics(pooled) == _node_topics(unpooled)
    events = [r for r in pooled.records if r.type == "event"]
    assert sum(1 for r in events if r.topics) > len(events) // 2  # predicted topics did arrive
    assert pooled.links is not None and unpooled.links is not None
    assert pooled.links == unpooled.links


def test_records_hold_the_topics_set_on_their_nodes(pooled: Archive) -> None:
    nodes = _node_topics(pooled)
    for record in pooled.records:
        assert record.topics is nodes[record.id]  # set on both, as building records after labelling did


class _NoSubmit(Executor):
    def submit(self, fn: Callable, /, *args: object, **kwargs: object) -> Future:
        pytest.fail(f"{fn.__name__} was sent to the pool although every prediction was cached")


def test_a_warm_cache_sends_nothing_to_the_pool(parsed: Archive, pooled: Archive, model_cache: Path) -> None:
    archive = copy.deepcopy(parsed)
    enrich_archive(archive, model_cache, _NoSubmit())  # the pooled build cached the model and predictions
    assert _labels(archive) == _labels(pooled)


class _Failing(Executor):
    """A pool whose work ends in ``error`` (a worker's exception or its death)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def submit(self, fn: Callable, /, *args: object, **kwargs: object) -> Future:
        future: Future = Future()
        future.set_exception(self.error)
        return future


def test_an_error_in_the_worker_is_raised_as_it_is(parsed: Archive, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no good"):
        enrich_archive(copy.deepcopy(parsed), tmp_path, _Failing(ValueError("no good")))


def test_a_worker_that_dies_while_working_is_a_build_error(parsed: Archive, tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="classifier"):
        enrich_archive(copy.deepcopy(parsed), tmp_path, _Failing(BrokenProcessPool("terminated abruptly")))


def test_a_dead_worker_process_is_a_build_error(parsed: Archive, tmp_path: Path) -> None:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert isinstance(pool.submit(os._exit, 1).exception(timeout=60), BrokenProcessPool)
        with pytest.raises(BuildError, match="classifier"):
            enrich_archive(copy.deepcopy(parsed), tmp_path, pool)

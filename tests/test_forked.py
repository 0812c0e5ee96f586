"""The pages are written by two processes (builder/pipeline.py ``in_forked_process``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from builder.pipeline import BuildError, in_forked_process


def test_the_copy_has_what_was_built_before_it_started(tmp_path: Path):
    archive = {"pages": 1}

    def write() -> None:
        (tmp_path / "out").write_text(str(archive["pages"]))

    archive["pages"] = 2  # nothing is pickled: the copy sees the state at the fork
    with in_forked_process(write, "writing"):
        pass
    assert (tmp_path / "out").read_text() == "2"


def _fails() -> None:
    raise ValueError("a page that cannot be written")


def test_an_error_in_the_copy_is_raised_here_with_its_traceback():
    with pytest.raises(BuildError, match="(?s)writing pages.*ValueError: a page that cannot be written"), \
            in_forked_process(_fails, "writing pages"):
        pass


def test_an_error_here_stops_the_copy(tmp_path: Path):
    def slow() -> None:
        time.sleep(20)
        (tmp_path / "late").write_text("written")

    start = time.monotonic()
    with pytest.raises(KeyError), in_forked_process(slow, "writing"):
        raise KeyError("our own stage failed")
    assert time.monotonic() - start < 10
    time.sleep(0.2)
    assert not (tmp_path / "late").exists()

"""YAML loading for site_config/: every error names the file and line (``site_config/sources.yml:14: …``).

The YAML comes from many hands, so the loader is strict where PyYAML is lenient:

* a key given twice in one mapping (at any level, the top level included) is an error naming
  both lines — PyYAML keeps the last one silently;
* every key must be one the file knows (``check_keys``); a misspelt key (``compelte:``) is an
  error with the closest known keys ("did you mean 'complete'?");
* every field is type-checked by ``_Reader``. Where a field holds text, an unquoted scalar is
  taken *as written*: ``title: no`` is the text ``no`` (not the YAML 1.1 boolean false),
  ``code: 0210`` is ``0210`` (not the octal 136), ``date: 2012-01-06`` is ``2012-01-06``.
  Where it holds a number, only decimal digits as written are accepted (``years: [yes]``,
  ``line: 0x1F``, ``line: 1:20`` are errors); where it holds a flag, only ``true``/``false``
  (``complete: no`` is an error: write ``false``);
* anchors and aliases (``&a``/``*a``) are refused (nothing in site_config needs them, and
  they allow exponential "billion laughs" expansion), nesting deeper than ``MAX_DEPTH`` and
  files larger than ``MAX_BYTES`` are refused with a clear error instead of a traceback;
* text fields may not hold control characters (``"\\x07"`` in a double-quoted scalar).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 32  # mappings and lists inside each other; site_config needs 4
MAX_BYTES = 8 * 1024 * 1024  # a site_config file larger than this is not an editor's file

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DECIMAL = re.compile(r"[+-]?[0-9]+")


class ConfigError(Exception):
    """A problem in site_config/ or in the inputs; the message names file and line."""


class YamlMap(dict):  # type: ignore[type-arg]
    """A YAML mapping with the line it starts on, the line of each key and, for each value
    that is an unquoted scalar, the scalar as written (``raw``)."""

    line: int = 0
    key_lines: dict[str, int]
    raw: dict[str, str]


class YamlList(list):  # type: ignore[type-arg]
    """A YAML sequence with the line it starts on, the line of each item and, for each
    unquoted scalar item, the scalar as written (``raw``; None for other items)."""

    line: int = 0
    lines: list[int]
    raw: list[str | None]


class _Loader(yaml.SafeLoader):
    """SafeLoader that composes a bounded node tree (depth, no aliases)."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _LoadError(mark.line + 1, "anchors and aliases (*name) are not supported in site_config; "
                                            "write the value out")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise _LoadError(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


class _LoadError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _convert(loader: _Loader, node: yaml.Node) -> Any:
    """Python values for a composed node: YamlMap / YamlList / scalars (YAML 1.1 resolution,
    the text as written kept beside it in the parent's ``raw``)."""
    if isinstance(node, yaml.MappingNode):
        out = YamlMap()
        out.line, out.key_lines, out.raw = node.start_mark.line + 1, {}, {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _LoadError(line, "a key must be plain text, not a list or mapping")
            key = key_node.value  # a key is a name: taken as written (``no:`` is the key "no")
            if key in out:
                raise _LoadError(line, f"duplicate key '{key}' (first at line {out.key_lines[key]}); "
                                       "a key may appear once in a mapping")
            out[key] = _convert(loader, value_node)
            out.key_lines[key] = line
            if isinstance(value_node, yaml.ScalarNode) and value_node.style is None:
                out.raw[key] = value_node.value
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = YamlList()
        seq.line, seq.lines, seq.raw = node.start_mark.line + 1, [], []
        for item in node.value:
            seq.append(_convert(loader, item))
            seq.lines.append(item.start_mark.line + 1)
            plain = isinstance(item, yaml.ScalarNode) and item.style is None
            seq.raw.append(item.value if plain else None)
        return seq
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _LoadError(mark.line + 1 if mark else node.start_mark.line + 1, str(exc.problem or exc)) from None
    except (ValueError, OverflowError) as exc:  # e.g. a timestamp that is no date (2021-02-30)
        raise _LoadError(node.start_mark.line + 1, f"cannot read {node.value!r}: {exc}") from None


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, max(0, position)) + 1


def load_yaml(path: Path) -> Any:
    """Parse a YAML file into YamlMap/YamlList/scalars; every error is ConfigError with file:line."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise ConfigError(f"{path}:1: the file is {size // 1024 // 1024} MB; a site_config file may be at most "
                          f"{MAX_BYTES // 1024 // 1024} MB")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 ({exc.reason}); site_config files must be saved as UTF-8") from None
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # checks every character first (ReaderError)
        node = loader.get_single_node()
        return None if node is None else _convert(loader, node)
    except _LoadError as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(f"{path}:{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise ConfigError(f"{path}:{_line_of(text, exc.position)}: invalid YAML: character {char!r} is not "
                          "allowed (a control character)") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}:1: invalid YAML: {exc}") from None
    except RecursionError:  # not expected (MAX_DEPTH stops first), but never a traceback
        raise ConfigError(f"{path}:1: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _suggest(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=2, cutoff=0.6)
    if close:
        return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
    return f" (known keys: {', '.join(sorted(allowed))})"


def check_keys(path: Path, mapping: YamlMap, allowed: Iterable[str], what: str) -> None:
    """Refuse any key of ``mapping`` not in ``allowed``, with file:line and the closest known keys."""
    allowed = frozenset(allowed)
    for key in mapping:
        if key not in allowed:
            line = mapping.key_lines.get(key, mapping.line)
            raise ConfigError(f"{path}:{line}: unknown key '{key}' in {what}{_suggest(key, allowed)}")


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    return type(value).__name__


@dataclass
class _Reader:
    """Typed access to one YAML record, raising ConfigError with file:line (the line of the field)."""

    path: Path
    record: YamlMap

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record.line}"

    def at(self, key: str) -> str:
        return f"{self.path}:{self.record.key_lines.get(key, self.record.line)}"

    def fail(self, message: str, key: str | None = None) -> ConfigError:
        return ConfigError(f"{self.at(key) if key else self.where}: {message}")

    def _text(self, key: str, value: object, raw: str | None, what: str) -> str:
        if isinstance(value, str):
            text = value
        elif raw is not None and not isinstance(value, (dict, list)):
            text = raw  # an unquoted scalar is taken as written: ``no`` stays "no", ``0210`` "0210"
        else:
            raise self.fail(f"'{key}' must be {what}, got {_kind(value)}", key)
        if control := _CONTROL.search(text):
            raise self.fail(f"'{key}' contains a control character ({control[0]!r})", key)
        return text

    def str(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.record.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing required field '{key}'")
            return default
        return self._text(key, value, self.record.raw.get(key), "text")

    def strs(self, key: str) -> tuple[str, ...]:
        """A list of text; a single text is a list of one (``aliases: 锦州``)."""
        value = self.record.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            return (self._text(key, value, self.record.raw.get(key), "a list of text"),)
        raws = value.raw if isinstance(value, YamlList) else [None] * len(value)
        return tuple(self._text(key, v, r, "a list of text") for v, r in zip(value, raws))

    def _number(self, key: str, value: object, raw: str | None, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            got = repr(raw) if raw is not None else _kind(value)
            raise self.fail(f"'{key}' must be {what}, got {got}", key)
        written = raw if raw is not None else str(value)
        if not _DECIMAL.fullmatch(written.strip()):
            raise self.fail(f"'{key}' must be {what} (decimal digits), got {written!r}", key)
        return int(written)

    def int(self, key: str, *, required: bool = True) -> int | None:
        value = self.record.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing required field '{key}'")
            return None
        return self._number(key, value, self.record.raw.get(key), "a whole number")

    def ints(self, key: str, what: str = "a list of years (whole numbers)") -> tuple[int, ...]:
        value = self.record.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(f"'{key}' must be {what}, got {_kind(value)}", key)
        raws = value.raw if isinstance(value, YamlList) else [None] * len(value)
        return tuple(self._number(key, v, r, what) for v, r in zip(value, raws))

    def bool(self, key: str, default: bool) -> bool:
        if key not in self.record or self.record[key] is None:
            return default
        value, raw = self.record[key], self.record.raw.get(key)
        if not isinstance(value, bool) or (raw is not None and raw.lower() not in ("true", "false")):
            got = repr(raw) if raw is not None else _kind(value)
            raise self.fail(f"'{key}' must be true or false, got {got}", key)
        return value


def _top(path: Path, key: str, allowed: Iterable[str] | None = None) -> YamlMap | None:
    """The top-level mapping of a file (None for an empty file); only known keys."""
    data = load_yaml(path)
    if data is None:
        return None
    if not isinstance(data, YamlMap):
        raise ConfigError(f"{path}:1: expected a mapping with a top-level '{key}:' list, got {_kind(data)}")
    check_keys(path, data, allowed or (key,), f"{path.name} (top level)")
    return data


def _records(path: Path, key: str, fields: Iterable[str], what: str) -> list[_Reader]:
    """The records of the top-level list ``key``: each a mapping with only ``fields``."""
    return list_readers(path, _top(path, key), key, fields, what)


def list_readers(path: Path, top: YamlMap | None, key: str, fields: Iterable[str], what: str) -> list[_Reader]:
    """The records of the list ``key`` of the mapping ``top`` (none when either is missing): each a
    mapping with only ``fields``, read through a ``_Reader``."""
    if top is None or top.get(key) is None:
        return []
    items = top[key]
    if not isinstance(items, YamlList):
        raise ConfigError(f"{path}:{top.key_lines[key]}: '{key}' must be a list, got {_kind(items)}")
    out = []
    for item, line in zip(items, items.lines):
        if not isinstance(item, YamlMap):
            raise ConfigError(f"{path}:{line}: every item of '{key}' must be a mapping ({what}), got {item!r}")
        check_keys(path, item, fields, f"a {what}")
        out.append(_Reader(path, item))
    return out


def _unique(readers: list[_Reader], ids: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for reader, ident in zip(readers, ids):
        if ident in seen:
            raise reader.fail(f"duplicate {what} id '{ident}' (first defined at {seen[ident]})")
        seen[ident] = reader.where

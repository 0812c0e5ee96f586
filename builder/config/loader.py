"""YAML loading for site_config/: every error names the file and line (``site_config/sources.yml:14: …``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ConfigError(Exception):
    """A problem in site_config/ or in the inputs; the message names file and line."""


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line each mapping starts on (``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; syntax errors become ConfigError with file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason})") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise ConfigError(f"{path}:{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None


@dataclass
class _Reader:
    """Typed access to one YAML record, raising ConfigError with file:line."""

    path: Path
    record: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record.get('__line__', 0)}"

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: {message}")

    def str(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.record.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing required field '{key}'")
            return default
        if not isinstance(value, (str, int)):
            raise self.fail(f"'{key}' must be text, got {type(value).__name__}")
        return str(value)

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.record.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(f"'{key}' must be a list of text")
        return tuple(str(v) for v in value)

    def ints(self, key: str) -> tuple[int, ...]:
        value = self.record.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
            raise self.fail(f"'{key}' must be a list of years (integers)")
        return tuple(value)

    def bool(self, key: str, default: bool) -> bool:
        value = self.record.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false")
        return value


def _records(path: Path, key: str) -> list[_Reader]:
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ConfigError(f"{path}:1: expected a top-level '{key}:' list")
    out = []
    for item in data[key]:
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: every item of '{key}' must be a mapping, got {item!r}")
        out.append(_Reader(path, item))
    return out


def _unique(readers: list[_Reader], ids: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for reader, ident in zip(readers, ids):
        if ident in seen:
            raise reader.fail(f"duplicate {what} id '{ident}' (first defined at {seen[ident]})")
        seen[ident] = reader.where

"""``portal.yml``: a portal of collections, each a county's archive with its own ``source_texts/`` and
``site_config/`` (the layout of a single archive), published as its own site under the portal's.

```yaml
title: 示例省地方志数字档案      # the hub's title
collections:
  - id: guta                     # the collection's folder in the published site: site/guta/
    title: 锦州市古塔区            # shown on the hub
    path: collections/guta       # holds source_texts/ and site_config/ (relative to portal.yml)
  - folder: collections/more     # or: every subfolder of this one that has a site_config/,
                                 # its folder name the id, its site_config/portal-title.txt or name the title
```

Every path stays inside the portal's folder (a ``..`` or a link out of it is an error, with file:line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.config.loader import ConfigError, check_keys, list_readers, load_yaml

COLLECTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
RESERVED = frozenset({"assets", "search", "data", "shared", "collections", "404.html", "sitemap.xml"})


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    folder: Path  # holds source_texts/ and site_config/
    where: str  # portal.yml:line, for errors

    @property
    def sources_dir(self) -> Path:
        return self.folder / "source_texts"

    @property
    def config_dir(self) -> Path:
        return self.folder / "site_config"


@dataclass(frozen=True)
class Portal:
    title: str
    root: Path  # the folder of portal.yml
    collections: tuple[Collection, ...]


def _inside(root: Path, rel: str, where: str) -> Path:
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ConfigError(f"{where}: '{rel}' is outside the portal's folder {root}")
    if not path.is_dir():
        raise ConfigError(f"{where}: '{rel}' is not a folder")
    return path


def _checked(collection: Collection) -> Collection:
    if not COLLECTION_ID.fullmatch(collection.id) or collection.id in RESERVED:
        raise ConfigError(f"{collection.where}: collection id '{collection.id}' must be lower-case letters, digits "
                          f"and '-' (at most 63), and not one of the hub's folders ({', '.join(sorted(RESERVED))})")
    if not (collection.config_dir / "sources.yml").is_file():
        raise ConfigError(f"{collection.where}: {collection.folder} has no site_config/sources.yml")
    if not collection.title.strip() or len(collection.title) > 200:
        raise ConfigError(f"{collection.where}: a collection's title must be 1 to 200 characters")
    return collection


def load_portal(path: Path) -> Portal:
    """Read and check ``portal.yml``; errors name file and line."""
    data = load_yaml(path)
    if data is None or not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping with 'title:' and a 'collections:' list")
    check_keys(path, data, ("title", "collections"), "portal.yml (top level)")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigError(f"{path}:{data.key_lines.get('title', 1)}: 'title' must be text")
    root = path.resolve().parent
    out: list[Collection] = []
    for reader in list_readers(path, data, "collections", ("id", "title", "path", "folder"), "collection"):
        if reader.str("folder", required=False):
            if reader.str("path", required=False) or reader.str("id", required=False):
                raise reader.fail("'folder' lists many collections: give it alone, without 'id' or 'path'")
            parent = _inside(root, reader.str("folder"), reader.at("folder"))
            for sub in sorted(p for p in parent.iterdir() if (p / "site_config").is_dir()):
                named = sub / "site_config" / "portal-title.txt"
                label = named.read_text("utf-8").strip() if named.is_file() else sub.name
                rel = sub.relative_to(root.resolve()).as_posix()
                out.append(_checked(Collection(sub.name, label, _inside(root, rel, reader.at("folder")),
                                               reader.at("folder"))))
            continue
        folder = _inside(root, reader.str("path"), reader.at("path"))
        out.append(_checked(Collection(reader.str("id"), reader.str("title"), folder, reader.where)))
    if not out:
        raise ConfigError(f"{path}:{data.line or 1}: the portal lists no collections")
    seen: dict[str, str] = {}
    for c in out:
        if c.id in seen:
            raise ConfigError(f"{c.where}: duplicate collection id '{c.id}' (first at {seen[c.id]})")
        seen[c.id] = c.where
    return Portal(title.strip(), root, tuple(out))


__all__ = ["Collection", "ConfigError", "Portal", "load_portal"]

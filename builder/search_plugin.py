"""MkDocs plugin ``fangzhi-search-titles``: Material's header search keeps only titles.

Material's search plugin (``lang: zh``, segmented with jieba) writes every
page's full text into one ``search/search_index.json`` (13.9 MB for this
archive) that the header box downloads on every page. The archive's own
search (``search/``, built by ``builder/search_index.py``) finds every
occurrence and loads only the parts a query needs, so the header box only
needs page and heading titles to suggest pages as you type; Enter opens the
full search page (``fangzhi.js``). This plugin runs after Material's and drops
the text from each index entry, keeping the jieba-segmented titles.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin


def titles_only(index: dict) -> dict:
    """The same index with every entry's text emptied."""
    docs = [{**d, "text": ""} for d in index.get("docs", [])]
    return {**index, "docs": docs}


class TitleOnlySearchIndex(BasePlugin):
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.exists():
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(titles_only(index), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

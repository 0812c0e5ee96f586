"""MkDocs plugins for the archive's search.

``fangzhi-search-titles``: Material's header search keeps only titles.

Material's search plugin (``lang: zh``, segmented with jieba) writes every
page's full text into one ``search/search_index.json`` (13.9 MB for this
archive) that the header box downloads on every page. The archive's own
search (``search/``, built by ``builder/search_index.py``) finds every
occurrence and loads only the parts a query needs, so the header box only
needs page and heading titles to suggest pages as you type; Enter opens the
full search page (``fangzhi.js``). So Material's search plugin is shown only
the headings of each page: this plugin swaps a page's HTML for its headings
just before Material indexes it and puts the page back right after, so MkDocs
neither parses nor jieba-segments the text of thousands of records (at 30× the
corpus that is most of MkDocs' time and memory). As a safety net it also drops
any text left in the written index.

``fangzhi-search-index``: the split index (``docs/data/search/``, tens of
thousands of small files at scale) is not a page or asset MkDocs needs to look
at; the plugin takes it out of MkDocs' file list and copies it into the site
after the build. ``fangzhi build`` writes the index *while* MkDocs builds the
pages (environment ``FANGZHI_SEARCH_INDEX=later``) and adds it to the site
itself before the site is swapped in (builder/pipeline.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

INDEX_DIR = "data/search"
LATER = "FANGZHI_SEARCH_INDEX"  # "later": the caller adds the index to the site itself


def titles_only(index: dict) -> dict:
    """The same index with every entry's text emptied."""
    docs = [{**d, "text": ""} for d in index.get("docs", [])]
    return {**index, "docs": docs}


_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1>", re.DOTALL)


def headings_only(html: str) -> str:
    """The page's headings (with their ids and text), nothing else."""
    return "\n".join(m.group(0) for m in _HEADING.finditer(html))


class TitleOnlySearchIndex(BasePlugin):
    def __init__(self) -> None:
        self._content: dict[str, str | None] = {}

    @event_priority(100)  # before Material's search plugin reads page.content
    def _show_headings(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                       nav: Navigation) -> TemplateContext:
        self._content[page.file.src_uri] = page.content
        page.content = headings_only(page.content or "")
        return context

    @event_priority(-100)  # after it: the page is rendered with its whole content
    def _restore(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                 nav: Navigation) -> TemplateContext:
        if page.file.src_uri in self._content:
            page.content = self._content.pop(page.file.src_uri)
        return context

    on_page_context = CombinedEvent(_show_headings, _restore)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.exists():
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(titles_only(index), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def copy_index(docs_dir: Path, site_dir: Path) -> None:
    """The split index from the docs into the site (hard links where the file system allows)."""
    src = docs_dir / INDEX_DIR
    if not src.is_dir():
        return
    dest = site_dir / INDEX_DIR
    shutil.rmtree(dest, ignore_errors=True)
    try:
        shutil.copytree(src, dest, copy_function=os.link)
    except OSError:
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(src, dest)


class SplitSearchIndex(BasePlugin):
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in [f for f in files if f.src_uri.startswith(INDEX_DIR + "/")]:
            files.remove(file)
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if os.environ.get(LATER) != "later":
            copy_index(Path(config.docs_dir), Path(config.site_dir))

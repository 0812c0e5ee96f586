"""MkDocs plugins: safe titles and the Content-Security-Policy; the archive's search.

``fangzhi-safe-html``: Material prints page titles, nav titles and ``page.meta.title``
unescaped into ``<title>``, the header, the tabs and the nav (its templates run without
autoescape), and where a page has no ``meta.title`` it prints ``page.title|striptags``,
which turns entities back into markup. So before any page is rendered this plugin makes
every page, section and link title literal text with ``html_text`` (builder/render/safe.py,
the one escaping function; front matter holds plain text) and gives every page that has a
title a ``meta.title`` (the home page keeps Material's own <title>). After a page is
rendered it puts a Content-Security-Policy ``<meta>`` first in its ``<head>``: scripts only
from the site's own files and the page's own inline scripts, by their SHA-256 (Material's
inline scripts differ with the page's depth, so each page's are hashed as built), so an
event handler or a ``javascript:`` URL that reached a page anyway would not run. MkDocs'
development server (``mkdocs serve``, ``fangzhi serve``) injects a live-reload script that
changes with every build, so pages it serves carry no policy.

The header search box and the search page both answer from the archive's own split index
(``fangzhi-search.js``); Material's search plugin is not used, so no page downloads a second index.

``fangzhi-search-index``: the split index (``docs/data/search/``, tens of
thousands of small files at scale), the published source texts
(``data/raw/``) and the downloads (``data/*.json``, ``data/*.csv``) are files
for readers, not pages or assets MkDocs needs to look at (``is_late``); the
plugin takes them out of MkDocs' file list and copies them into the site after
the build. ``fangzhi build`` writes them *while* MkDocs builds the pages
(environment ``FANGZHI_SEARCH_INDEX=later``) and adds them to the site itself
before the site is swapped in (builder/pipeline.py). Pages link to them with
HTML links, which MkDocs does not check against its file list. Under
``fangzhi serve`` (environment ``FANGZHI_LATE_FILES`` = a folder) they are
written to that folder instead, after the pages, and the dev server's site gets
symbolic links to them (``link_late``): no rebuild, reload or copy for them; and
Material's templates are compiled once for all the dev server's rebuilds.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from builder.render.cite import CITE_DIR  # the citation exports, one script per reading page
from builder.render.safe import html_text, meta_tag
from builder.sources.provenance import RAW_DIR

DATA_DIR = "data"
INDEX_DIR = "data/search"

LATE_DIRS = (INDEX_DIR, RAW_DIR, CITE_DIR)
_LATE_PREFIXES = tuple(d + "/" for d in LATE_DIRS)
DOWNLOAD_SUFFIXES = (".json", ".csv")
LATER = "FANGZHI_SEARCH_INDEX"  # "later": the caller adds the index to the site itself
LATE_FROM = "FANGZHI_LATE_FILES"  # a folder: link the late files from there (fangzhi serve)


def is_late(src_uri: str) -> bool:
    """A file the build writes while MkDocs runs: the split index, the raw texts, a download in data/."""
    if src_uri.startswith(_LATE_PREFIXES):
        return True
    folder, _, name = src_uri.rpartition("/")
    return folder == DATA_DIR and name.endswith(DOWNLOAD_SUFFIXES)


def late_entries(root: Path) -> list[str]:
    """The late files and folders under ``root`` (a docs folder or serve's late folder), as
    paths relative to it: the folders ``LATE_DIRS`` (whether written yet or not) and the
    downloads in ``data/``."""
    data = root / DATA_DIR
    downloads = [f"{DATA_DIR}/{p.name}" for p in sorted(data.iterdir()) if p.is_file()] if data.is_dir() else []
    return [*LATE_DIRS, *(n for n in downloads if is_late(n))]


def copy_late(docs_dir: Path, site_dir: Path) -> None:
    """The files ``is_late`` names, from the docs into the site (hard links where the file system allows)."""
    for name in late_entries(docs_dir):
        src, dest = docs_dir / name, site_dir / name
        if src.is_dir():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest, copy_function=_link_or_copy)
        elif src.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.unlink(missing_ok=True)
            _link_or_copy(src, dest)


def _link_or_copy(src: str | Path, dest: str | Path) -> None:
    """Hard link the file ``src`` at ``dest``, or copy it where the file system cannot link."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def link_late(late_root: Path, site_dir: Path) -> None:
    """Symbolic links in the site to the late files under ``late_root`` (laid out as in the docs).

    ``fangzhi serve`` writes the index and the downloads there, outside the docs MkDocs' dev
    server watches: rewriting them then triggers no rebuild and no reload, they are not copied
    on each rebuild, and the served site shows them as soon as they are written."""
    for name in late_entries(late_root):
        dest, target = site_dir / name, (late_root / name).resolve()
        if dest.is_symlink() and dest.readlink() == target:
            continue
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        else:
            dest.unlink(missing_ok=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(target)


class _ThemeBytecode(BytecodeCache):
    """Compiled theme templates kept in memory for the life of the process (MkDocs' dev server)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_THEME_BYTECODE = _ThemeBytecode()


class SplitSearchIndex(BasePlugin):
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Under ``fangzhi serve`` every rebuild makes a new theme environment that would compile
        Material's templates again (about a third of a one-page rebuild): they are compiled once."""
        if os.environ.get(LATE_FROM):
            env.bytecode_cache = _THEME_BYTECODE
        return env

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in [f for f in files if is_late(f.src_uri)]:
            files.remove(file)
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if os.environ.get(LATE_FROM):
            link_late(Path(os.environ[LATE_FROM]), Path(config.site_dir))
        elif os.environ.get(LATER) != "later":
            copy_late(Path(config.docs_dir), Path(config.site_dir))


# -- safe titles and the Content-Security-Policy -------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_HEAD = re.compile(r"<meta charset=[^>]*>|<head>", re.IGNORECASE)
CSP_META = "Content-Security-Policy"
# everything from the site itself; inline styles stay (Material and the charts set style
# attributes); no plugins, no <base>, forms only to the site
POLICY = ("default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
          "base-uri 'none'; form-action 'self'")


def inline_script_hashes(page_html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) of the page's inline scripts, in page order, each once."""
    out: list[str] = []
    for m in _INLINE_SCRIPT.finditer(page_html):
        attrs, body = m.group(1), m.group(2)
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue  # a file (covered by 'self') or data (application/json): nothing runs inline
        digest = base64.b64encode(hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in out:
            out.append(source)
    return out


def policy(page_html: str) -> str:
    """The Content-Security-Policy of one rendered page."""
    hashes = inline_script_hashes(page_html)
    return POLICY.format(scripts="".join(" " + h for h in hashes))


def with_policy(page_html: str) -> str:
    """The page with its policy as the first thing in <head> after the charset."""
    meta = f'<meta http-equiv="{CSP_META}" content="{policy(page_html)}">'  # no " or < in a policy
    m = _HEAD.search(page_html)
    if m is None:
        return page_html
    return page_html[: m.end()] + meta + page_html[m.end():]


def plain_title(title: str) -> str:
    """A title MkDocs took from a page's first heading (HTML) as plain text."""
    return html.unescape(_TAG.sub("", title))


class SafeHtml(BasePlugin):
    def __init__(self) -> None:
        self.policy = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.policy = command != "serve"  # the dev server injects a live-reload script (see above)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        def visit(items: list) -> None:
            for item in items:
                if isinstance(item, (Section, Link)):
                    item.title = html_text(item.title or "")
                if isinstance(item, Section):
                    visit(item.children)

        visit(nav.items)
        return nav

    # Markup, so that where Material does escape a title (``|e``) it is not escaped twice
    @event_priority(-100)  # after other plugins: the titles every template will print
    def on_page_content(self, html_out: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        from_nav = page.__dict__.get("title")  # a title given in mkdocs.yml's nav
        meta = page.meta.get("title")
        if meta is not None:
            page.meta["title"] = html_text(str(meta))
        if from_nav is not None:
            page.title = html_text(from_nav)
        elif meta is None and page.title is not None:  # from the first heading, or the file name
            title = html_text(plain_title(page.title))
            page.title = title
            if not page.is_homepage:
                page.meta["title"] = title  # so Material never prints page.title|striptags
        return html_out

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name != "404.html":
            return output_content
        return accessible(not_found_page(output_content, config))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = accessible(with_metadata(output, page_metadata(page, config)))
        return with_policy(output) if self.policy else output


# -- accessibility --------------------------------------------------------------------------------

_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def accessible(page_html: str) -> str:
    """What axe-core finds in Material's own markup, fixed: its search dialog has no name."""
    return page_html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="搜索">', 1)


# -- the 404 page ---------------------------------------------------------------------------------

_NOT_FOUND_TITLE = re.compile(r"<title>[^<]*</title>")
_NOT_FOUND_H1 = re.compile(r"<h1>404 - Not found</h1>")
NOT_FOUND_LINKS = (("", "返回首页"), ("search/", "全文检索"), ("sources/", "文献目录"), ("years/", "按年份浏览"))


def not_found_page(page_html: str, config: MkDocsConfig) -> str:
    """Material's 404 page in Chinese, with links to the main pages. MkDocs writes the error page's
    links from the path of ``site_url`` ("/" without one) so that they work wherever the reader
    mistyped; these follow the same rule, so under a sub-path they work once site_url names it."""
    root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    links = "".join(f'<li><a href="{html_text(root + href)}">{label}</a></li>' for href, label in NOT_FOUND_LINKS)
    body = f'<h1>页面不存在（404）</h1><p>您要找的页面不在本站：地址可能有误，或该页已移动。</p><ul>{links}</ul>'
    page_html = _NOT_FOUND_H1.sub(lambda _: body, page_html, count=1)
    site = html_text(plain_title(str(config.site_name or "")))
    return _NOT_FOUND_TITLE.sub(lambda _: f"<title>页面不存在 · {site}</title>", page_html, count=1)


# -- what reference managers read ----------------------------------------------------------------

_HEAD_END = re.compile(r"</head>", re.IGNORECASE)
_META_PREFIXES = ("citation_", "DC.")


def page_metadata(page: Page, config: MkDocsConfig) -> list[tuple[str, str]]:
    """Highwire Press (``citation_*``) and Dublin Core (``DC.*``) fields of a page, as plain text:
    what its front matter's ``cite`` holds (a reading page: builder/render/cite.py ``page_meta``),
    else the page's title, and on every page the site as publisher, the language and, with a
    ``site_url``, the page's absolute address."""
    site = plain_title(str(config.site_name or ""))
    title = plain_title(str(page.meta.get("title") or page.title or "")) if not page.is_homepage else site
    given = page.meta.get("cite") if isinstance(page.meta.get("cite"), dict) else {}
    fields = {"citation_title": title, "DC.title": title}
    fields.update({str(k): str(v) for k, v in given.items() if str(k).startswith(_META_PREFIXES)})
    fields.setdefault("DC.publisher", site)
    fields.setdefault("citation_publisher", fields["DC.publisher"])
    fields.update({"citation_language": "zh", "DC.language": "zh"})
    if page.canonical_url:  # only with a site_url: a relative address means nothing to a reference manager
        fields.update({"citation_public_url": page.canonical_url, "DC.identifier": page.canonical_url})
    return [(k, v) for k, v in fields.items() if v]


def with_metadata(page_html: str, fields: list[tuple[str, str]]) -> str:
    """The page with the ``<meta>`` tags of ``fields`` (escaped by ``safe.meta_tag``) last in its head."""
    m = _HEAD_END.search(page_html)
    if m is None or not fields:
        return page_html
    # no <link rel="schema.DC" href="http://purl.org/…">: reference managers read DC.* without it, and no
    # page names another host (tests/test_bundle.py)
    tags = "".join(meta_tag(k, v) for k, v in fields)
    return page_html[: m.start()] + tags + page_html[m.start():]

"""The hub of a portal (builder/portal): a page listing the collections, and the people, places and
meetings found in more than one collection, each with a link to its page in every one of them. Pages
stay bounded: the cross-collection lists are cut into pages of ``PAGE_SIZE``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.files import write_atomic
from builder.render.pages import paginate, template_env

KIND_TITLES = {"person": "同名人物", "meeting": "会议", "organisation": "机构", "series": "系列活动", "region": "地区"}
KIND_FOLDERS = {"person": "people", "meeting": "meetings", "organisation": "organisations", "series": "series",
                "region": "regions"}


@dataclass
class HubCollection:
    id: str
    title: str
    documents: list[tuple[str, str]] = field(default_factory=list)  # (title, genre)
    counts: dict[str, int] = field(default_factory=dict)
    years: tuple[int, int] | None = None


@dataclass
class SharedPage:
    """A person, place or meeting with a page in several collections."""

    kind: str
    name: str
    links: list[tuple[str, str]]  # (collection title, link from the portal's root)


def write_hub_pages(docs_dir: Path, title: str, collections: list[HubCollection],
                    shared: list[SharedPage]) -> list[str]:
    """Write the hub's Markdown pages under ``docs_dir``; return them (docs-relative)."""
    env = template_env()
    written = []

    def put(rel: str, template: str, **context: object) -> None:
        root = "../" * rel.count("/")
        text = env.get_template(template).render(root=root, portal_title=title, **context)
        write_atomic(docs_dir / rel, text.encode("utf-8"))
        written.append(rel)

    by_kind: dict[str, list[SharedPage]] = {}
    for item in shared:
        by_kind.setdefault(item.kind, []).append(item)
    kinds = [(k, KIND_TITLES[k], len(by_kind.get(k, []))) for k in KIND_TITLES]
    put("index.md", "hub_index.md.j2", collections=collections, kinds=kinds, folders=KIND_FOLDERS)
    for kind, items in sorted(by_kind.items()):
        items.sort(key=lambda s: (-len(s.links), s.name))
        for pager, chunk in paginate(f"shared/{KIND_FOLDERS[kind]}", items):
            put(pager.path, "hub_shared.md.j2", title=KIND_TITLES[kind], items=chunk, pager=pager, kind=kind)
    put("shared/index.md", "hub_kinds.md.j2", kinds=kinds, folders=KIND_FOLDERS)
    put("search/index.md", "search.md.j2")  # one search over every collection (builder/portal/search.py)
    return written


__all__ = ["KIND_FOLDERS", "KIND_TITLES", "HubCollection", "SharedPage", "write_hub_pages"]

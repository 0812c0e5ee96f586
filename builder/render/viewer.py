"""The source viewer: each document's text as received, on HTML pages with a number and an anchor per line.

A document's lines are shown in pages of ``LINES_PER_PAGE`` lines, numbered as in the source file:
page ``k`` holds the file's lines ``(k-1)·LINES_PER_PAGE+1 … k·LINES_PER_PAGE`` (within the
document's range), at ``sources/<id>/text/<k>/``. A line's page depends on nothing but its number,
so a link to line N stays right when other parts of the text change, and no page grows with the
text (a 50,000-line source is 100 pages). ``sources/<id>/text/`` lists the pages.

Each line is ``<div id="L<n>">`` with its number as a link to itself; the text is escaped by
``safe.html_text`` (the one escaping function), so a line holding markup shows as written, and a
control character shows as its Unicode picture (``␁``: HTML has no way to show the character). A
record's "原文第N行" links to ``…/text/<k>/#L<n>`` (a 条目 over several lines: ``#L<n>-<m>``);
the viewer's script (``fangzhi-source.js``) highlights those lines and scrolls to them, and a
single line is also highlighted by CSS (``:target``) without the script.
"""

from __future__ import annotations

from markupsafe import Markup

from builder.model.document import Block, Entry, Event, Line, Section
from builder.render.safe import html_text

LINES_PER_PAGE = 500
# control characters a text may hold (HTML cannot show them): their Unicode pictures, ␁ for U+0001
CONTROL_PICTURES = {c: 0x2400 + c for c in range(0x20) if c != 0x09} | {0x7F: 0x2421}


def shown(text: str) -> str:
    """A line as the viewer shows it: as received, a control character as its picture."""
    return text.translate(CONTROL_PICTURES)


def chunk_of(line: int) -> int:
    return (max(line, 1) - 1) // LINES_PER_PAGE + 1


def text_page(source_id: str, line: int) -> str:
    """Site-relative URL of the viewer page that holds ``line``."""
    return f"sources/{source_id}/text/{chunk_of(line)}/"


def line_href(source_id: str, line: int, end: int = 0) -> str:
    """Site-relative URL of ``line`` (to ``end``) in the viewer."""
    last = min(end, chunk_of(line) * LINES_PER_PAGE)  # the highlight stays on the line's page
    return text_page(source_id, line) + f"#L{line}" + (f"-{last}" if last > line else "")


def last_line(node: Event | Entry | Section | Block) -> int:
    """The last source line of a record (a 条目's last paragraph or table)."""
    if isinstance(node, Entry) and node.blocks:
        return max(node.line, *(b.line for b in node.blocks))
    return node.line


def node_href(node: Event | Entry | Section | Block) -> str:
    """Where a record's lines are in the viewer."""
    return line_href(getattr(node, "source_id", ""), node.line, last_line(node))


def chunks(lines: list[Line]) -> list[tuple[int, list[Line]]]:
    """The document's lines as (page number, lines of that page), in order."""
    out: list[tuple[int, list[Line]]] = []
    for ln in lines:
        k = chunk_of(ln.no)
        if not out or out[-1][0] != k:
            out.append((k, []))
        out[-1][1].append(ln)
    return out


def lines_html(lines: list[Line]) -> Markup:
    """One ``<div>`` a line: its number (a link to it) and its text, escaped; one HTML line each."""
    return Markup("\n".join(
        f'<div class="fz-l" id="L{ln.no}"><a class="fz-n" href="#L{ln.no}" aria-label="第 {ln.no} 行">{ln.no}</a>'
        f'<span class="fz-t">{html_text(shown(ln.text))}</span></div>'
        for ln in lines
    ))

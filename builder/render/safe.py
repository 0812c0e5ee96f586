"""The one place where text from the data becomes page text, front matter or a CSV cell.

Everything a page shows comes from source texts and YAML that many hands touch, and the
site is published: a title, a heading or a note must show literally, never become markup.
Text reaches the built HTML by three roads, and each goes through this module:

* **Jinja templates** (builder/render/templates): the environment's ``finalize``
  (``template_env`` in pages.py) runs ``html_text`` on every ``{{ … }}`` value that is not
  already Markup, so no template can forget it. ``html_text`` escapes HTML and writes the
  characters Markdown and its extensions give a meaning to (links ``[x](…)``, images,
  attribute lists ``{: onclick=… }``, code spans, emphasis, escapes, tables) and line breaks
  as numeric character references. A reference means the same in a raw HTML block (the
  browser decodes it) and in Markdown text (Python-Markdown leaves it alone), so one
  escaping is right wherever a template puts the value: headings, link labels, list items,
  ``<div markdown>`` blocks, HTML blocks, attributes. Control characters are dropped.
  The filters that return Markup are defined here too: ``mdh`` (``md_heading``: headings and
  link labels, where Markdown's own backslash escapes keep the heading's anchor as it was)
  and ``yaml``.
* **Page titles** (front matter ``title:``, nav titles): Material prints ``page.meta.title``,
  ``page.title`` and nav titles unescaped into ``<title>``, the header, tabs and nav. The
  front matter holds the plain text as a YAML string that always parses (``yaml_str``);
  the MkDocs plugin ``fangzhi-safe-html`` (builder/publish/plugins.py) replaces every page,
  section and link title with ``html_text`` of it before any page is rendered, and puts the
  page's Content-Security-Policy in its ``<head>``.
* **CSV downloads**: ``csv_cell`` neutralises cells a spreadsheet would read as a formula.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

# characters Python-Markdown or its extensions (attr_list, tables, md_in_html) act on inline:
# backslash escapes, code spans, emphasis, links/images, attribute lists, table cells
MARKDOWN_CHARS = "\\`*_{}[]()!|~"
# C0 controls but tab and newline, and DEL: never text; \r is a line break
CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + "\x7f"

_TEXT = {ord(c): f"&#{ord(c)};" for c in MARKDOWN_CHARS}
_TEXT.update({ord(c): None for c in CONTROLS})
_TEXT.update({ord("\n"): "&#10;", ord("\r"): "&#10;"})
_HEADING = {**_TEXT, ord("#"): "&#35;"}
# translate looks up every character of a string: run it only where there is something to replace
_SPECIAL = re.compile("[" + re.escape(MARKDOWN_CHARS + CONTROLS) + "\n\r]")
_CONTROL = re.compile("[" + re.escape(CONTROLS) + "]")
_LINE_BREAKS = re.compile("[\r\n\u0085\u2028\u2029]+")
_MD_HEADING_CHARS = MARKDOWN_CHARS + "#+-.$"
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in _MD_HEADING_CHARS})
_HAS_MD_SPECIAL = re.compile("[" + re.escape(_MD_HEADING_CHARS) + "]")


# what html_text changes: HTML's specials, Markdown's, controls, line breaks (most values hold none)
_NEEDS_WORK = re.compile("[&<>\"'" + re.escape(MARKDOWN_CHARS + CONTROLS) + "\n\r]")


def html_text(value: object) -> Markup:
    """``value`` as literal text for HTML or Markdown: escaped, Markdown syntax as character
    references, control characters dropped. Markup (HTML we made) is returned as it is."""
    if isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return Markup(value)
    text = value if type(value) is str else str(value)
    if not _NEEDS_WORK.search(text):  # the common case: nothing to escape (one C-level scan)
        return Markup(text)
    out = str(escape(text))
    return Markup(out.translate(_TEXT) if _SPECIAL.search(out) else out)


def plain_line(text: object) -> str:
    """One line of plain text: control characters dropped, line breaks as spaces."""
    return _LINE_BREAKS.sub(" ", _CONTROL.sub("", str(text)))


def md_heading(text: object) -> Markup:
    """Text for a Markdown-only place (a heading, a link label): escaped, one line, and every
    character Markdown acts on (at a line's start too: ``#``, ``-``, ``+``, ``.``) backslash-escaped."""
    out = str(escape(plain_line(text)))
    return Markup(out.translate(_MD_ESCAPES) if _HAS_MD_SPECIAL.search(out) else out)


def yaml_str(text: object) -> Markup:
    """A front-matter value that always parses to ``plain_line(text)``: a JSON string (valid YAML)."""
    return Markup(json.dumps(plain_line(text), ensure_ascii=False))


def yaml_map(data: dict[str, object]) -> Markup:
    """A front-matter mapping that always parses to ``{key: plain_line(value)}``: JSON (valid YAML),
    ASCII only so that no character YAML treats specially (NEL, BOM) reaches the parser."""
    return Markup(json.dumps({str(k): plain_line(v) for k, v in data.items()}, ensure_ascii=True))


def finalize(value: object) -> object:
    """Jinja's ``finalize``: every ``{{ … }}`` value, before autoescape sees it."""
    return html_text(value)


# OWASP, CSV injection: a cell starting with one of these is read as a formula by spreadsheets
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a single quote before a formula-like start."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# -- metadata and citation exports -------------------------------------------------------------

def meta_tag(name: str, content: object) -> str:
    """``<meta name=… content=…>`` for reference managers (Highwire ``citation_*``, Dublin Core
    ``DC.*``): the content one line of plain text, escaped for a quoted attribute."""
    return f'<meta name="{escape(name)}" content="{escape(plain_line(content).strip())}">'


def ris_text(value: object) -> str:
    """A RIS field value: one line (a line break would start a new tag, ``ER  -`` a new record)."""
    return plain_line(value).strip()


_BIBTEX = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "$": r"\$", "&": r"\&",
                         "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"})


_BIBTEX_SPECIAL = re.compile(r"[\\{}%$&#_~^]")


def bibtex_text(value: object) -> str:
    """A BibTeX field value inside braces: one line, LaTeX's special characters escaped (an unbalanced
    brace would end the field early, ``%`` or ``\\`` be read by LaTeX)."""
    text = plain_line(value).strip()
    return text.translate(_BIBTEX) if _BIBTEX_SPECIAL.search(text) else text


_URL_UNSAFE = str.maketrans({c: f"%{ord(c):02X}" for c in "{}\\ \"<>"})


def bibtex_url(value: object) -> str:
    """A BibTeX ``url`` (read verbatim by biblatex and the url package): one line, and the characters
    that would end the field or start a command percent-encoded, as in any URL."""
    return plain_line(value).strip().translate(_URL_UNSAFE)


_JS_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def js_json(data: object) -> str:
    """JSON for a script (a .js file or an inline data block): no ``<``, ``>`` or ``&`` that could
    close the script or open a comment, no line separators, whatever the strings hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in _JS_UNSAFE:  # str.replace, five C-level passes (translate is per character)
        text = text.replace(char, code)
    return text

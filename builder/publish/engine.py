"""The site build under either engine: MkDocs 1.6 or ProperDocs, its continuation.

MkDocs 1.x is no longer maintained (1.6.1 is its last release). ProperDocs is a
drop-in fork of it (``properdocs``, installed with Fangzhi; ``fangzhi build --engine properdocs``), and it builds the
same ``docs/`` with the same ``mkdocs.yml`` into the same site, byte for byte,
except the generator ``<meta>`` tag (tests/test_engines.py):

- its module and command are ``properdocs`` (``python -m properdocs build``);
- it loads plugins from its own ``properdocs.plugins`` entry points first, then
  from ``mkdocs.plugins`` (themes likewise: ``properdocs.themes``, then
  ``mkdocs.themes``, where Material's theme is), and its command line redirects
  every ``mkdocs.*`` import to ``properdocs.*``: Material and our plugins
  (registered under both groups in pyproject.toml) run unchanged;
- without ``-f`` it looks for ``properdocs.yml`` and falls back to ``mkdocs.yml``
  with a notice, so the command passes the config file explicitly;
- Material's ``<meta name="generator">`` says ``mkdocs-ProperDocs 1.6.7`` in place
  of ``mkdocs-1.6.1``;
- Material's end-of-life notice (``NO_MKDOCS_2_WARNING``) is printed only when
  the program is ``mkdocs``. ``SOURCE_DATE_EPOCH`` works the same in both.
"""

from __future__ import annotations

import sys
from pathlib import Path

ENGINES = ("mkdocs", "properdocs")  # the first is the default


def site_build_command(engine: str, config_file: Path, out_dir: Path) -> list[str]:
    """The command line of the strict site build of ``config_file`` into ``out_dir`` with ``engine``.

    ``engine`` is one of ``ENGINES``; each is run as a module of this Python
    (``sys.executable -m mkdocs|properdocs build --strict -f CONFIG -d OUT``), so the
    build uses the packages of the environment Fangzhi runs in; ``docs_dir`` is
    read relative to ``config_file``. A warning fails the build (exit status 1).
    Raises ValueError for any other engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown site engine {engine!r}: one of {', '.join(ENGINES)}")
    return [sys.executable, "-m", engine, "build", "--strict", "-f", str(config_file), "-d", str(out_dir)]


def site_settings(config_file: Path) -> tuple[str, str]:
    """``site_name`` and ``site_url`` of the MkDocs config ``config_file`` (its ``INHERIT`` and
    ``!ENV`` tags resolved as MkDocs does); empty strings where it has none or cannot be read."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(config_file, "rb") as fd:
            data = yaml_load(fd)
    except (OSError, ConfigurationError):
        return "", ""
    name, url = data.get("site_name") or "", data.get("site_url") or ""
    return (name if isinstance(name, str) else "", url if isinstance(url, str) else "")

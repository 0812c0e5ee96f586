"""MkDocs started early: it warms up while our stages run and builds on a signal.

``python -m builder.mkdocs_worker -f mkdocs.yml -d SITE_DIR`` imports MkDocs,
Material, the Markdown extensions and our plugins, loads jieba's dictionary
(Material's Chinese search segments with it) and reads the config once: about
0.9 s that a plain ``mkdocs build`` spends before it looks at a page. It does
so at low priority where it may take the usual one back for the build (as root,
or as RLIMIT_NICE allows), so it does not slow our stages down. Then it
waits on stdin. The line ``build`` runs ``mkdocs build --strict -f … -d …`` in
this process, exactly as the command line would (same logging, same exit
status); end of input without it exits at once (our stage failed).

``builder.pipeline.MkDocsRun`` starts this process at the beginning of a build
and sends ``build`` once the pages are written.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import resource
import sys

GO = "build"
WARM_UP_NICENESS = 10
WARM_MODULES = (
    "mkdocs.__main__",
    "mkdocs.commands.build",
    "material.plugins.search.plugin",
    "markdown.extensions.toc",
    "markdown.extensions.tables",
    "markdown.extensions.attr_list",
    "markdown.extensions.md_in_html",
    "builder.search_plugin",
)


def warm_up(config_file: str) -> None:
    """Do now what the build would do first, so that it is not on the critical path."""
    import jieba

    jieba.initialize()
    for name in WARM_MODULES:
        importlib.import_module(name)
    from mkdocs.config import load_config

    # plugins and theme are imported and validated; the real build reports any problem itself
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with contextlib.suppress(Exception):
        load_config(config_file=config_file)
    logging.getLogger("mkdocs").setLevel(logging.NOTSET)


def _may_raise_priority(niceness: int) -> bool:
    """Whether this process may set its niceness back to ``niceness`` once it has raised it:
    as root, or where RLIMIT_NICE allows (Linux: down to 20 minus the limit)."""
    if not hasattr(resource, "RLIMIT_NICE"):
        return False
    soft, _ = resource.getrlimit(resource.RLIMIT_NICE)
    return os.geteuid() == 0 or soft == resource.RLIM_INFINITY or 20 - soft <= niceness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--config-file", required=True)
    parser.add_argument("-d", "--site-dir", required=True)
    args = parser.parse_args(argv)
    # the warm-up is not on the build's critical path (our stages take longer): it takes the
    # CPU they leave over, at low priority, where the build can get the usual one back after
    usual = os.getpriority(os.PRIO_PROCESS, 0)
    lowered = _may_raise_priority(usual)
    if lowered:
        os.setpriority(os.PRIO_PROCESS, 0, usual + WARM_UP_NICENESS)
    warm_up(args.config_file)
    if sys.stdin.readline().strip() != GO:
        return 0
    if lowered:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, usual)
    from mkdocs.__main__ import cli

    # exits with MkDocs' status; not --quiet: it hides the warnings that make a strict build fail
    cli.main(args=["build", "--strict", "-f", args.config_file, "-d", args.site_dir], prog_name="mkdocs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

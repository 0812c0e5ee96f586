"""Read source files: detect the encoding, normalise line endings, refuse bad input.

A source is read only from inside the sources folder: ``file`` is relative and has no
``..`` (checked with the config, builder/config/site.py), and a symbolic link is
followed only while it stays inside the folder. The file is then opened one path
component at a time from the folder, none of them a link (``O_NOFOLLOW``), so a link
swapped in after the check is refused too; it must be a regular file (not a FIFO or
a device, which would block or never end).

A source must be text. UTF-8 (with or without BOM), GB18030/GBK and UTF-16
with BOM are accepted (or the encoding declared in sources.yml); CRLF and CR
line endings become LF. Empty, binary or undecodable files stop the build with
one line naming the file.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path

from builder.config import ConfigError
from builder.model.document import Line, Source
from builder.sources.normalise import split_lines

# control characters other than \n \r \t \f (a sign of a binary file)
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes, *, name: str, declared: str | None = None) -> str:
    """Decode source bytes, detecting the encoding when none is declared."""
    if not data.strip():
        raise ConfigError(f"{name}: the file is empty")
    if declared:
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{name}: cannot decode as declared encoding {declared}: {exc}") from None
    elif data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        text = _detect(data, name)
    bad = len(_BAD_CONTROL.findall(text))
    if "\x00" in text or bad > max(8, len(text) // 1000):
        raise ConfigError(f"{name}: looks like a binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _detect(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise ConfigError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ConfigError(f"{name}: not a text file in a known encoding")
    return str(best)


def read_source_text(source: Source, sources_dir: Path) -> str:
    path = sources_dir / source.file
    return decode(read_confined(source, sources_dir), name=str(path), declared=source.encoding)


def read_confined(source: Source, sources_dir: Path) -> bytes:
    """The bytes of ``source.file``, read only from inside ``sources_dir`` (see the module's rules)."""
    path = sources_dir / source.file
    where = source.where or str(path)

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{where}: {message}")

    try:
        root = sources_dir.resolve(strict=True)
    except OSError:
        raise ConfigError(f"{sources_dir}: the sources folder does not exist") from None
    real = path.resolve()
    if not real.is_relative_to(root):
        raise fail(f"source file '{source.file}' of '{source.id}' leads outside the sources folder "
                   f"{sources_dir} (a symbolic link, an absolute path or '..'): refused")
    parts = real.relative_to(root).parts
    if not parts:
        raise fail(f"source file '{source.file}' of '{source.id}' is the sources folder itself")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_NONBLOCK if last else os.O_DIRECTORY)
            try:
                child = os.open(part, flags, dir_fd=fd)
            except FileNotFoundError:
                raise fail(f"{path}: source file of '{source.id}' not found") from None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise fail(f"source file '{source.file}' of '{source.id}': '{part}' is not a folder, or "
                               "changed into a symbolic link while it was read: refused") from None
                raise fail(f"{path}: cannot read the source file of '{source.id}': {exc.strerror}") from None
            os.close(fd)
            fd = child
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise fail(f"{path}: source file of '{source.id}' is not a regular file")
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            return fh.read()
    finally:
        if fd >= 0:
            os.close(fd)


def document_lines(source: Source, text: str, *, name: str = "") -> list[Line]:
    """The lines of ``source``'s document (its ``lines`` range) with file line numbers."""
    lines = split_lines(text)
    if source.lines is None:
        return lines
    first, last = source.lines
    if last > len(lines):
        raise ConfigError(
            f"{name or source.file}: '{source.id}' lines {first}-{last} exceed the file's {len(lines)} lines"
        )
    return lines[first - 1 : last]

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

Detection never guesses silently. GB18030 decodes almost any byte string, so a
file that is not UTF-8 is taken as GB18030 only when it reads like simplified
Chinese: at least ``GB2312_SHARE`` of its non-ASCII characters are in GB2312
(the seeds: 99.8 %) and none is a private-use character. Big5 and Shift-JIS
bytes decoded as GB18030 give rare characters and private-use code points
(``大事記`` in Big5 reads ``ㄆ癘``), so such a file is refused with one line
that names the way out: the ``encoding:`` field of its record in
``site_config/sources.yml`` (``encoding: big5``, ``shift_jis``, or
``gb18030`` to confirm a traditional-character GBK text). A file whose lines
are partly UTF-8 and partly not (``mixed``) is refused naming the first line
in the minority encoding: no single encoding reads it.
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


def decode(data: bytes, *, name: str, declared: str | None = None, record: str = "") -> str:
    """Decode source bytes, detecting the encoding when none is declared; ``record`` (sources.yml:LINE of
    the file's record) is named in the error when the encoding cannot be told for sure."""
    if not data.strip():
        raise ConfigError(f"{name}: the file is empty")
    if declared:
        try:
            text = data.decode(declared)
        except LookupError as exc:
            raise ConfigError(f"{name}: cannot decode as declared encoding {declared}: {exc}") from None
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ConfigError(f"{name}:{line}: not {declared} as declared in sources.yml ({exc.reason} at byte "
                              f"{exc.start}); correct the `encoding:` field or the file") from None
    elif data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        try:
            text = _detect(data, name)
        except ConfigError as exc:
            if record and WAY_OUT in str(exc):
                raise ConfigError(f"{exc} (its record: {record})") from None
            raise
    bad = len(_BAD_CONTROL.findall(text))
    if "\x00" in text or bad > max(8, len(text) // 1000):
        raise ConfigError(f"{name}: looks like a binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


GB2312_SHARE = 0.95  # of the non-ASCII characters, for a non-UTF-8 file to be taken as GB18030
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
WAY_OUT = ("declare the encoding in the `encoding:` field of its record in site_config/sources.yml "
           "(e.g. `encoding: big5`, `encoding: shift_jis`; `fangzhi parse --encoding …`)")


def _detect(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise ConfigError(f"{name}: looks like a binary file, not text")
    _refuse_mixed(data, name)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _reads_as_simplified_chinese(text):
        return text
    others = _other_decodings(data)
    if text:
        also = f"; it also decodes as {' and '.join(others)}" if others else ""
        raise ConfigError(f"{name}: cannot be sure of the encoding: not UTF-8, and as GB18030 it does not read "
                          f"as Chinese text{also}; {WAY_OUT}")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ConfigError(f"{name}: not a text file in a known encoding")
    guess = ", ".join(dict.fromkeys([*others, best.encoding]))
    raise ConfigError(f"{name}: cannot be sure of the encoding: not UTF-8 or GB18030 (it may be {guess}); {WAY_OUT}")


def _reads_as_simplified_chinese(text: str) -> bool:
    """Most non-ASCII characters are in GB2312 and none is private-use (see the module doc)."""
    wide = len(text) - len(text.encode("ascii", errors="ignore"))
    if wide == 0:
        return True
    outside = text.encode("gb2312", errors="replace").count(b"?") - text.count("?")
    return outside <= (1 - GB2312_SHARE) * wide and not _PRIVATE_USE.search(text)


def _other_decodings(data: bytes) -> list[str]:
    """The East Asian encodings other than GB18030 that decode ``data`` without error."""
    out = []
    for encoding in ("big5", "shift_jis", "euc_jp", "euc_kr"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        out.append(encoding)
    return out


def _refuse_mixed(data: bytes, name: str) -> None:
    """Stop on a file whose lines are partly UTF-8 (with Chinese) and partly not."""
    utf8: list[int] = []
    other: list[int] = []
    for no, raw in enumerate(data.split(b"\n"), start=1):
        if raw.isascii():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            other.append(no)
            continue
        if len(_CJK.findall(line)) >= 2:  # a short GBK line may happen to be valid UTF-8; two CJK, hardly
            utf8.append(no)
    if utf8 and other:
        minority, kind = (other, "is not UTF-8") if len(other) <= len(utf8) else (utf8, "is UTF-8")
        raise ConfigError(f"{name}:{minority[0]}: the file mixes encodings: this line {kind}, "
                          f"{len(utf8)} lines are UTF-8 and {len(other)} are not; "
                          "save the whole file in one encoding (UTF-8)")


def read_source_text(source: Source, sources_dir: Path) -> str:
    path = sources_dir / source.file
    return decode(read_confined(source, sources_dir), name=str(path), declared=source.encoding, record=source.where)


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
        raise ConfigError(f"{source.where or name or source.file}: '{source.id}' lines {first}-{last} exceed the "
                          f"{len(lines)} lines of {name or source.file}")
    return lines[first - 1 : last]

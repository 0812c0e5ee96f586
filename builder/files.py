"""File helpers every stage may use (the bottom layer, with builder.model).

* ``write_atomic``: a reader (or a killed build) never sees half a file.
* Verified cache entries (``read_verified`` / ``write_verified``): every file under
  ``.fangzhi-cache/`` starts with an HMAC-SHA256 of its bytes under a per-machine key.
  The cache folder lives in the project, which contributors (or a restored CI cache)
  can write; the key lives outside it, in ``$XDG_CACHE_HOME/fangzhi/cache-key``
  (mode 0600, created on first use), or comes from ``FANGZHI_CACHE_KEY`` (e.g. a CI
  secret). An entry whose MAC does not match — a flipped bit, a truncated file, an
  edited prediction, bytes somebody else wrote — is never decoded (so a pickle behind
  it is never loaded): it is a miss, rebuilt, and reported in one warning line. An
  entry made under another key (another machine) is a silent miss. Whoever can write
  the key file can already run code as the user, so it guards nothing weaker.
* ``project_lock``: one build at a time per project (``fcntl.flock`` on
  ``.fangzhi-cache/lock``, the holder's pid written in it).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import hmac
import os
import secrets
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

KEY_ENV = "FANGZHI_CACHE_KEY"
_MAGIC = b"FZC1"
_KEY_ID = 8  # bytes of the key's fingerprint in each entry
_MAC = 32  # bytes of HMAC-SHA256
_HEADER = len(_MAGIC) + _KEY_ID + _MAC


class LockError(Exception):
    """Another build holds the project's lock; the message names it."""


FAULT_ENV = "FANGZHI_FAULT"


def fault_point(step: str) -> None:
    """For the fault tests: the process kills itself (SIGKILL, no clean-up of any kind) at the
    step named by ``FANGZHI_FAULT``. A no-op otherwise."""
    if os.environ.get(FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, killed and not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


def die_with(pid: int, interval: float = 0.2) -> None:
    """End this (worker) process as soon as process ``pid`` (the build) is gone: a pool worker
    whose build was killed would otherwise wait forever on a queue it holds itself."""

    def watch() -> None:
        while _alive(pid):
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="fangzhi-die-with-build", daemon=True).start()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so that a reader (or a killed build) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    fault_point("write-atomic")  # a temporary file is left behind: never read, replaced next time
    tmp.replace(path)


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fangzhi" / "cache-key"


@cache
def machine_key() -> bytes:
    """The key cache entries are signed with: ``FANGZHI_CACHE_KEY``, else the 0600 key file
    (made on first use), else — when neither can be had — a key for this process only
    (entries of earlier builds are then misses: slower, never unsafe)."""
    secret = os.environ.get(KEY_ENV)
    if secret:
        return hashlib.sha256(secret.encode()).digest()
    path = _key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            key = fh.read()
        if info.st_uid == os.getuid() and not info.st_mode & 0o077 and len(key) == 32:
            return key
    except OSError:
        pass
    return secrets.token_bytes(32)


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"fangzhi key id\0" + key).digest()[:_KEY_ID]


def seal(data: bytes, name: str) -> bytes:
    """``data`` with a header that lets ``unseal`` verify it (``name`` binds it to its place)."""
    key = machine_key()
    mac = hmac.new(key, name.encode("utf-8", "surrogatepass") + b"\0" + data, hashlib.sha256).digest()
    return _MAGIC + _key_id(key) + mac + data


def unseal(blob: bytes, name: str) -> tuple[bytes | None, str]:
    """(the data, "") if ``blob`` is what ``seal(data, name)`` made here; else (None, why),
    why being "" for an entry made under another key (not a fault)."""
    if len(blob) < _HEADER or not blob.startswith(_MAGIC):
        return None, "not a fangzhi cache entry (truncated or overwritten)"
    key = machine_key()
    if blob[len(_MAGIC):len(_MAGIC) + _KEY_ID] != _key_id(key):
        return None, ""
    data = blob[_HEADER:]
    mac = hmac.new(key, name.encode("utf-8", "surrogatepass") + b"\0" + data, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, blob[len(_MAGIC) + _KEY_ID:_HEADER]):
        return None, "checksum mismatch (corrupted or edited)"
    return data, ""


def warn(message: str) -> None:
    """One warning line on stderr."""
    sys.stderr.write(f"fangzhi: warning: {message}\n")
    sys.stderr.flush()


def read_verified(path: Path, name: str | None = None) -> bytes | None:
    """The verified bytes of a cache entry, or None (missing, unreadable or corrupt: a miss;
    a corrupt one is reported and removed)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not _is_file(fh.fileno()):
                raise IsADirectoryError(errno.EISDIR, "not a regular file")
            blob = fh.read()
    except OSError as exc:
        warn(f"{path}: unreadable cache entry ({exc.strerror or exc}); ignored and rebuilt")
        return None
    data, why = unseal(blob, name or path.name)
    if data is None and why:
        warn(f"{path}: {why}; ignored and rebuilt")
        try:
            path.unlink()
        except OSError:
            pass
    return data


def _is_file(fd: int) -> bool:
    return stat.S_ISREG(os.fstat(fd).st_mode)


def write_verified(path: Path, data: bytes, name: str | None = None) -> None:
    """Write a cache entry atomically with its MAC; a cache folder that cannot be written only costs speed."""
    try:
        write_atomic(path, seal(data, name or path.name))
    except OSError:
        pass


def remove_temporaries(cache_root: Path) -> None:
    """Delete the temporary files of ``write_atomic`` a killed build left in the cache (under the lock)."""
    for tmp in cache_root.rglob("*.tmp"):
        try:
            tmp.unlink()
        except OSError:
            pass


# ---------------------------------------------------------------- the project lock

LOCK_FILE = "lock"
LOCK_WAIT_ENV = "FANGZHI_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 60.0  # seconds a second build waits for the first


def _holder(path: Path) -> str:
    try:
        pid = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "another fangzhi process"
    return f"fangzhi process {pid}" if pid.isdigit() else "another fangzhi process"


_held: dict[str, int] = {}  # locks this process holds, by path (``project_lock`` nests)


@contextmanager
def project_lock(cache_root: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold ``cache_root``/lock for the duration: one build (serve, bundle) at a time per project.

    A second one waits up to ``wait`` seconds (``FANGZHI_LOCK_WAIT``, default 60), then
    raises LockError naming the holder's pid. The lock is the kernel's (``flock``): a
    killed holder releases it, so a stale lock file never blocks anybody."""
    if wait is None:
        try:
            wait = float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT))
        except ValueError:
            wait = DEFAULT_LOCK_WAIT
    path = cache_root / LOCK_FILE
    try:
        cache_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LockError(f"{cache_root}: cannot make the cache folder for the build lock: {exc.strerror or exc}") from None
    held = str(path.resolve())
    if _held.get(held):  # already ours (``fangzhi serve`` holds it around its build)
        _held[held] += 1
        try:
            yield
        finally:
            _held[held] -= 1
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError(f"{path}: cannot open the build lock: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockError(f"{path}: {_holder(path)} is already building this project "
                                    f"(waited {wait:g} s); try again when it has finished") from None
                if not told:
                    warn(f"{path}: waiting up to {wait:g} s for {_holder(path)} to finish")
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held[held] = 1
        try:
            yield
        finally:
            _held.pop(held, None)
    finally:
        os.close(fd)  # releases the lock


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` (atomically) unless the file holds it already; True if it was written.

    A file left as it was keeps its mtime, so a watcher (MkDocs' dev server) sees no change."""
    if same_content(path, data):
        return False
    write_atomic(path, data)
    return True


def same_content(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False

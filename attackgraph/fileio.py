"""File reading and atomic writing, with OS errors turned into sentences."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

from attackgraph.errors import FormatError

__all__ = ["atomic_write_bytes", "atomic_write_text", "read_limited"]


def _size(count: int) -> str:
    """A byte count for people: ``64 MiB``, ``1.5 KiB``, ``12 bytes``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= factor:
            return f"{count / factor:.3g} {unit}"
    return f"{count} bytes"


def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 minus the umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no /proc: read the umask by setting it back at once
    os.umask(mask)
    return 0o666 & ~mask


def _special_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


# mkstemp's names: ".NAME." + 8 characters of [a-z0-9_] + ".tmp"
_TEMP_TAIL = re.compile(r"\.[a-z0-9_]{8}\.tmp")


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Remove temporary files of our own naming left for ``name`` by a save
    that was killed before it could rename or remove them."""
    prefix = f".{name}"
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            entry_name = entry.name
            if not entry_name.startswith(prefix):
                continue
            tail = entry_name[len(prefix) :]
            if tail.startswith("~"):
                tail = tail[1:]
            if _TEMP_TAIL.fullmatch(tail) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.remove(entry.path)


def _replace_backup(target: Path, folder: Path) -> None:
    """Make ``NAME~`` a copy of ``target`` in one atomic step: the new backup
    is linked (or copied) under a temporary name and renamed over the old
    one, so that some backup exists at every moment."""
    backup_path = target.with_name(target.name + "~")
    for _attempt in range(16):
        temp = folder / f".{target.name}~.{secrets.token_hex(4)}.tmp"
        try:
            os.link(target, temp)
            break
        except FileExistsError:
            continue
        except OSError:  # no hard links here: copy instead
            shutil.copy2(target, temp)
            break
    else:  # pragma: no cover - 16 collisions of 32 random bits
        raise FileExistsError(str(temp))
    try:
        os.replace(temp, backup_path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read a whole file, refusing one larger than ``max_bytes``.

    Parameters
    ----------
    path : path-like
        The file.
    max_bytes : int
        The size limit.

    Returns
    -------
    bytes

    Raises
    ------
    FormatError
        The file is missing, unreadable, a directory, or too large.
    """
    try:
        # O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer;
        # only a regular file is read at all.
        descriptor = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        )
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(info.st_mode):
                raise FormatError(
                    f"this is a {_special_kind(info.st_mode)}, not a regular "
                    "file; attackgraph reads models only from regular files."
                )
            size = info.st_size
            if size > max_bytes:
                raise FormatError(
                    f"the file is {_size(size)}, larger than the limit of "
                    f"{_size(max_bytes)} for model files; set "
                    "ATTACKGRAPH_MAX_FILE_MB to raise it."
                )
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FormatError("no such file.") from None
    except IsADirectoryError:
        raise FormatError("this is a folder, not a model file.") from None
    except PermissionError:
        raise FormatError("permission denied: the file cannot be read.") from None
    except OSError as exc:
        raise FormatError(f"the file cannot be read: {exc.strerror or exc}.") from None
    if len(data) > max_bytes:  # grew while reading, or a special file
        raise FormatError(
            f"the file is larger than the limit of {_size(max_bytes)} "
            "for model files; set ATTACKGRAPH_MAX_FILE_MB to raise it."
        )
    return data


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, backup: bool = False) -> None:
    """Write a file so that it is either the old or the new content, never half.

    The data goes to a temporary file in the same folder, which is flushed,
    synced to disk and renamed over the target. With ``backup``, the previous
    version is kept as ``NAME~``.

    Parameters
    ----------
    path : path-like
        The target file.
    data : bytes
        The complete new content.
    backup : bool
        Keep the previous version beside it.

    Raises
    ------
    FormatError
        The folder is missing or not writable, the disk is full, ...
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    temp_name = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):  # mkstemp makes 0600; keep what the user expects
            mode = target.stat().st_mode & 0o7777 if target.exists() else _new_file_mode()
            os.chmod(temp_name, mode)
        if backup and target.is_file():
            _replace_backup(target, folder)
        os.replace(temp_name, target)
        temp_name = None
        _remove_stale_temps(folder, target.name)
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except FileNotFoundError:
        raise FormatError(f"cannot write {target}: the folder does not exist.") from None
    except PermissionError:
        raise FormatError(f"cannot write {target}: permission denied.") from None
    except OSError as exc:
        raise FormatError(f"cannot write {target}: {exc.strerror or exc}.") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.remove(temp_name)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, backup: bool = False) -> None:
    """Write UTF-8 text atomically; see :func:`atomic_write_bytes`."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate cannot be written as UTF-8
        raise FormatError(
            f"cannot write {os.fspath(path)}: the text holds a character "
            f"UTF-8 cannot encode at offset {exc.start}."
        ) from None
    atomic_write_bytes(path, data, backup=backup)

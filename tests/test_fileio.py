"""Atomic writes and limited reads."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from attackgraph.errors import FormatError
from attackgraph.fileio import atomic_write_bytes, atomic_write_text, read_limited


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_new_and_replace(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    atomic_write_text(path, "first ✓\n")
    assert path.read_bytes() == "first ✓\n".encode()
    atomic_write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    assert not (tmp_path / "m.json~").exists()
    assert _leftovers(tmp_path) == []


def test_failed_replace_keeps_old_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.json"
    path.write_text("old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(FormatError, match="Input/output error"):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_full_disk_keeps_old_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.json"
    path.write_text("old")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(FormatError) as info:
        atomic_write_text(path, "new" * 1000)
    assert "No space left on device" in str(info.value)
    assert str(path) in str(info.value)
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_backup_keeps_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    atomic_write_text(path, "v1", backup=True)  # nothing to back up yet
    assert not (tmp_path / "m.yaml~").exists()
    atomic_write_text(path, "v2", backup=True)
    assert (tmp_path / "m.yaml~").read_text() == "v1"
    atomic_write_text(path, "v3", backup=True)
    assert (tmp_path / "m.yaml~").read_text() == "v2"
    assert path.read_text() == "v3"


def test_permissions_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    path.chmod(0o604)
    atomic_write_text(path, "newer", backup=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="folder does not exist"):
        atomic_write_text(tmp_path / "nope" / "m.json", "x")


def test_unencodable_text_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("old")
    with pytest.raises(FormatError, match="UTF-8"):
        atomic_write_text(path, "bad \ud800")
    assert path.read_text() == "old"


def test_write_into_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    atomic_write_text("plain.json", "x")
    assert (tmp_path / "plain.json").read_text() == "x"


def test_read_limited(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"12345")
    assert read_limited(path, 5) == b"12345"
    with pytest.raises(FormatError, match="larger than the limit of 4 bytes"):
        read_limited(path, 4)
    with pytest.raises(FormatError, match="no such file"):
        read_limited(tmp_path / "missing", 10)
    with pytest.raises(FormatError, match="folder"):
        read_limited(tmp_path, 10)


def test_new_files_get_the_umask_mode_and_rewrites_keep_theirs(tmp_path):
    import os

    from attackgraph.fileio import atomic_write_text

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "report.html"
        atomic_write_text(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        fresh.chmod(0o640)
        atomic_write_text(fresh, "y")
        assert fresh.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


# ------------------------------------------------------------ issue 12 hardening
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match=r"named pipe .* not a regular file"):
        read_limited(fifo, 1000)  # blocks forever if opened for a blocking read


def test_stale_temp_files_are_removed_on_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("old")
    stale = [tmp_path / ".m.json.ab_c1234.tmp", tmp_path / ".m.json~.0badf00d.tmp"]
    kept = [
        tmp_path / ".m.json.notours.tmp",
        tmp_path / ".other.json.abcd1234.tmp",
        tmp_path / "m.json.abcd1234.tmp",
    ]
    for file in stale + kept:
        file.write_text("left by a killed save")
    atomic_write_text(path, "new", backup=True)
    assert path.read_text() == "new"
    assert (tmp_path / "m.json~").read_text() == "old"
    assert [p.exists() for p in stale] == [False, False]
    assert all(p.exists() for p in kept)


def test_backup_is_replaced_without_a_moment_without_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "m.json"
    backup = tmp_path / "m.json~"
    path.write_text("v1")
    backup.write_text("v0")
    removed: list[str] = []
    real_remove = os.remove

    def watch_remove(name: object, *args: object, **kwargs: object) -> None:
        removed.append(os.fspath(name))  # type: ignore[arg-type]
        real_remove(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "remove", watch_remove)
    atomic_write_text(path, "v2", backup=True)
    assert os.fspath(backup) not in removed  # the old backup is replaced, never deleted first
    assert backup.read_text() == "v1" and path.read_text() == "v2"
    assert _leftovers(tmp_path) == []

"""The screenshot mode renders a real, non-blank window and exits."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def _run(args, tmp_path):
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "ATTACKGRAPH_RECOVERY_DIR": str(tmp_path / "rec"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        },
    )


def _colours(image: QImage, box: tuple[int, int, int, int]) -> int:
    left, top, right, bottom = box
    return len({image.pixel(x, y) for x in range(left, right, 7) for y in range(top, bottom, 5)})


def test_screenshot_of_flagship_is_not_blank(tmp_path):
    out = tmp_path / "shot.png"
    proc = _run(
        ["-m", "attackgraph", "gui", "--screenshot", str(out), "--size", "1200x800"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert _colours(image, (0, 0, 1200, 800)) > 40  # a real picture, not one flat colour
    # The canvas itself (left of the docks, below the toolbar) shows the model.
    assert _colours(image, (120, 120, 700, 700)) > 25


def test_gui_entry_point_takes_a_file(tmp_path):
    out = tmp_path / "mirai.png"
    sample = os.path.join(
        os.path.dirname(__file__), "..", "..", "samples", "mirai-2016.attackgraph.json"
    )
    proc = _run(
        [
            "-c",
            "import sys; from attackgraph.gui import main; sys.exit(main())",
            sample,
            "--screenshot",
            str(out),
            "--size",
            "900x600",
        ],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert QImage(str(out)).width() == 900


def test_screenshot_of_invalid_file_exits_1(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    proc = _run(
        ["-m", "attackgraph", "gui", str(bad), "--screenshot", str(tmp_path / "x.png")], tmp_path
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "bad.json" in proc.stderr


def test_unwritable_screenshot_target_exits_1(tmp_path):
    proc = _run(
        ["-m", "attackgraph", "gui", "--screenshot", str(tmp_path / "missing-folder" / "x.png")],
        tmp_path,
    )
    assert proc.returncode == 1 and "cannot write" in proc.stderr

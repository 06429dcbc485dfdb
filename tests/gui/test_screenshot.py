"""The screenshot mode renders a real, non-blank window."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QImage


def test_screenshot_of_flagship_is_not_blank(tmp_path):
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, "-m", "attackgraph", "gui", "--screenshot", str(out),
         "--size", "1200x800"],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
             "ATTACKGRAPH_RECOVERY_DIR": str(tmp_path / "rec"),
             "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    colours = {image.pixel(x, y) for x in range(0, 1200, 37) for y in range(0, 800, 29)}
    assert len(colours) > 20  # a real picture, not one flat colour


def test_screenshot_of_invalid_file_exits_1(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    proc = subprocess.run(
        [sys.executable, "-m", "attackgraph", "gui", str(bad), "--screenshot",
         str(tmp_path / "x.png")],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
             "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "bad.json" in proc.stderr

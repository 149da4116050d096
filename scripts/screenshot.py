"""Screenshot of the composer window for the README: a seed phrase, an accepted continuation and
fresh variations waiting in the co-writer panel. Runs the real window and the shipped model under
Xvfb (it re-runs itself through xvfb-run when there is no display) and saves docs/screenshot.png.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1600, 960)

# "Twinkle"-like seed in G major with a bass line: two voices so the colours show.
MELODY = [(67, 0, 1), (67, 1, 1), (74, 2, 1), (74, 3, 1), (76, 4, 1), (76, 5, 1), (74, 6, 2),
          (72, 8, 1), (72, 9, 1), (71, 10, 1), (71, 11, 1), (69, 12, 1), (69, 13, 0.5), (71, 13.5, 0.5),
          (67, 14, 2)]
BASS = [(43, 0, 4), (47, 4, 2), (50, 6, 2), (48, 8, 4), (50, 12, 2), (43, 14, 2)]


def under_xvfb() -> int:
    if shutil.which("xvfb-run") is None:
        raise SystemExit("xvfb-run is not installed (sudo apt install xvfb)")
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {SIZE[0] + 100}x{SIZE[1] + 100}x24",
               sys.executable, *sys.argv]
    return subprocess.call(command, env=dict(os.environ, COMPOSER_SCREENSHOT_CHILD="1"))


def seed_score():
    from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, Voice

    notes = [Note(p, int(o * Q), int(d * Q), 84 + (8 if o % 4 == 0 else 0), 0) for p, o, d in MELODY]
    notes += [Note(p, int(o * Q), int(d * Q), 64, 1) for p, o, d in BASS]
    return Score(notes=notes, voices=[Voice("Melody", 73), Voice("Bass", 32)], title="Seed")


def wait(app, condition, timeout: float) -> None:
    end = time.time() + timeout
    while not condition():
        if time.time() > end:
            raise SystemExit("timed out waiting for the co-writer")
        app.processEvents()
        time.sleep(0.01)


def take(out: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPOSER_CONFIG_DIR"] = home
        os.environ["XDG_CONFIG_HOME"] = home
        from PySide6.QtWidgets import QApplication

        from composer.ui.main_window import MainWindow

        app = QApplication(sys.argv[:1])
        window = MainWindow(load_model=True, start_audio=True)  # the status bar shows the real sound state
        window.resize(*SIZE)
        window.show()
        window.document.load(seed_score())
        window.after_load()
        panel = window.cowriter_panel
        wait(app, lambda: window.cowriter.state in ("ready", "error"), 60)
        if window.cowriter.state == "error":
            raise SystemExit(window.cowriter.message)
        panel.length.setValue(24)
        panel.variation_count.setValue(3)
        panel.key_mode.setCurrentIndex(panel.key_mode.findData("detect"))
        panel.continue_seed()
        wait(app, lambda: not window.cowriter.busy, 120)
        panel.accept()
        window.playback.seek(window.document.store.end)
        window.document.set_selection(set())
        panel.continue_seed()  # more variations, continuing the accepted continuation
        wait(app, lambda: not window.cowriter.busy, 120)
        window.roll.zoom_horizontal(0.55)
        notes = window.document.store.notes()
        pitches = sorted(n.pitch for n in notes)
        window.roll.center_on_pitch((pitches[0] + pitches[-1]) // 2 + 6)
        window.roll.horizontalScrollBar().setValue(0)
        window.playback.seek(window.document.store.end - 480 * 6)
        for _ in range(30):
            app.processEvents()
            time.sleep(0.02)
        screen = window.screen().grabWindow(0, window.x(), window.y(), window.frameGeometry().width(),
                                            window.frameGeometry().height())
        image = screen if not screen.isNull() and os.environ.get("DISPLAY") else window.grab()
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out))
        print(f"saved {out} ({image.width()}x{image.height()})")
        window.document.undo_stack.setClean()
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("COMPOSER_SCREENSHOT_CHILD"):
        return under_xvfb()
    take(args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())

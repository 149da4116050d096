"""Screenshots of the composer window for the README. Scene "continue" (the default): a seed
phrase, an accepted continuation and fresh variations waiting in the co-writer panel
(docs/screenshot.png). Scene "fill": a four-voice piece with two unwritten bars in the middle,
selected on the ruler (Ctrl-drag), and Fill's variations previewed in them (docs/fill.png). Runs the
real window and the shipped model under Xvfb (it re-runs itself through xvfb-run when there is no display).

    .venv/bin/python scripts/screenshot.py [--scene continue|fill] [--out PNG]
"""

from __future__ import annotations

import argparse
import os
import random
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


# Scene "fill": eight bars in G major, one chord a bar, with bars 4-5 still unwritten (only their
# chords are there); those two bars are selected and filled.
FILL_CHORDS = ["G", "Em", "C", "D", "G", "C", "D", "G"]
TRIADS = {"G": (55, 59, 62), "Em": (55, 59, 64), "C": (55, 60, 64), "D": (54, 57, 62)}  # close voicing, G3-E4
ROOTS = {"G": 43, "Em": 40, "C": 48, "D": 50}  # G2 E2 C3 D3
FILL_MELODY = [  # (pitch, beat in the piece, beats)
    (71, 0, 1), (74, 1, 1), (79, 2, 1.5), (78, 3.5, 0.5),
    (76, 4, 1), (74, 5, 1), (71, 6, 2),
    (72, 8, 1), (76, 9, 1), (79, 10, 1), (76, 11, 1),
    (78, 12, 1.5), (76, 13.5, 0.5), (74, 14, 1), (69, 15, 1),
    (71, 16, 1), (74, 17, 1), (79, 18, 1.5), (81, 19.5, 0.5),
    (83, 20, 1), (81, 21, 1), (79, 22, 1), (76, 23, 1),
    (74, 24, 1), (78, 25, 1), (81, 26, 1.5), (78, 27.5, 0.5),
    (79, 28, 4)]
FILL_SEED = 3
FILL_BARS = (3, 5)  # bars 4-5 (0-based [3, 5)), with three bars of context on each side


def fill_score():
    from composer.music.chords import ChordSymbol
    from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, Voice

    notes = [Note(p, int(o * Q), int(d * Q), 84 + (8 if o % 4 == 0 else 0), 0) for p, o, d in FILL_MELODY]
    for bar, chord in enumerate(FILL_CHORDS):
        t0 = bar * 4 * Q
        notes += [Note(p, t0 + half * 2 * Q, 2 * Q, 62, 1) for half in range(2) for p in TRIADS[chord]]
        root = ROOTS[chord]
        notes += [Note(p, t0 + beat * Q, Q, 80, 2) for beat, p in enumerate((root, root, root + 7, root + 12))]
        for beat in range(4):
            notes.append(Note(36 if beat % 2 == 0 else 38, t0 + beat * Q, Q // 4, 100, 3))  # kick, snare
            notes += [Note(42, t0 + beat * Q + half * Q // 2, Q // 4, 70, 3) for half in range(2)]  # hats
    voices = [Voice("Melody", 73), Voice("Chords", 0), Voice("Bass", 33), Voice("Drums", is_drum=True)]
    gap = range(FILL_BARS[0] * 4 * Q, FILL_BARS[1] * 4 * Q)
    notes = [n for n in notes if n.onset not in gap]
    chords = [ChordSymbol(bar * 4 * Q, 4 * Q, chord) for bar, chord in enumerate(FILL_CHORDS)]  # the chord lane
    return Score(notes=notes, voices=voices, chords=chords, title="Fill")


def wait(app, condition, timeout: float) -> None:
    end = time.time() + timeout
    while not condition():
        if time.time() > end:
            raise SystemExit("timed out waiting for the co-writer")
        app.processEvents()
        time.sleep(0.01)


def open_window(app, score):
    from composer.ui.main_window import MainWindow

    window = MainWindow(load_model=True, start_audio=True)  # the status bar shows the real sound state
    window.resize(*SIZE)
    window.show()
    window.document.load(score)
    window.after_load()
    wait(app, lambda: window.cowriter.state in ("ready", "error"), 60)
    if window.cowriter.state == "error":
        raise SystemExit(window.cowriter.message)
    return window


def save(app, window, out: Path) -> None:
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


def take_fill(out: Path) -> None:
    """Ctrl-drag bars 4-5 on the ruler as a person would, Fill with three variations, and grab the
    window while the first variation is previewed in the selected bars."""
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPOSER_CONFIG_DIR"] = home
        os.environ["XDG_CONFIG_HOME"] = home
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
        window = open_window(app, fill_score())
        roll, ruler, panel = window.roll, window.editor.ruler, window.cowriter_panel
        roll.fit_to(window.document.store.notes(), zoom_in=True)  # View > Zoom to Fit: the whole piece
        app.processEvents()
        bar = window.document.time_signature.bar_ticks
        first, last = FILL_BARS[0] * bar + bar // 4, (FILL_BARS[1] - 1) * bar + bar * 3 // 4
        x = [int(roll.geometry_.x(t) - roll.scroll_x()) for t in (first, last)]
        y = ruler.height() // 2
        QTest.mousePress(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, QPoint(x[0], y))
        QTest.mouseMove(ruler, QPoint(x[1], y))
        QTest.mouseRelease(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, QPoint(x[1], y))
        if ruler.bar_selection != (FILL_BARS[0] * bar, FILL_BARS[1] * bar):
            raise SystemExit(f"the ruler drag selected {ruler.bar_selection}, not bars 4-5")
        panel.variation_count.setValue(3)
        panel.key_mode.setCurrentIndex(panel.key_mode.findData("detect"))
        random.seed(FILL_SEED)  # Fill draws its sampling seed from `random`: a repeatable picture
        window.regions.fill_button.click()
        if not window.cowriter.busy:
            raise SystemExit(f"Fill did not start: {panel.last_error}")
        wait(app, lambda: not window.cowriter.busy, 300)
        if not panel.variations.variations:
            raise SystemExit(f"Fill gave no variations: {panel.last_error}")
        roll.fit_to(window.document.store.notes(), zoom_in=True)  # both sides of the gap in view
        window.playback.seek(0)
        save(app, window, out)


def take(out: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPOSER_CONFIG_DIR"] = home
        os.environ["XDG_CONFIG_HOME"] = home
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
        window = open_window(app, seed_score())
        panel = window.cowriter_panel
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
        save(app, window, out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", choices=("continue", "fill"), default="continue")
    parser.add_argument("--out", type=Path, help="PNG to write (docs/screenshot.png, for fill docs/fill.png)")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("COMPOSER_SCREENSHOT_CHILD"):
        return under_xvfb()
    out = args.out or ROOT / "docs" / ("fill.png" if args.scene == "fill" else "screenshot.png")
    (take_fill if args.scene == "fill" else take)(out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())

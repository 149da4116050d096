"""Piano-roll frame times with a 10,000-note score: open, scroll and zoom (target <= 16 ms).

Runs the real window offscreen (QT_QPA_PLATFORM=offscreen, raster painting as on screen) and
times synchronous repaints of the whole editor (roll, ruler, keyboard, velocity lane). Prints
medians and 95th percentiles; it does not pass or fail.

    .venv/bin/python bench/ui_frames.py [--notes 10000] [--frames 60]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def make_score(count: int, seed: int = 1):
    from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, Voice

    rng = random.Random(seed)
    notes, tick, pitch = [], 0, 64
    while len(notes) < count:
        pitch = max(36, min(96, pitch + rng.choice((-4, -2, -1, 1, 2, 3, 5))))
        length = rng.choice((Q // 4, Q // 2, Q, Q))
        notes.append(Note(pitch, tick, length, rng.randint(40, 120), 0))
        if rng.random() < 0.5 and len(notes) < count:  # a chord tone in a second voice
            notes.append(Note(pitch - rng.choice((3, 4, 7)), tick, length, rng.randint(40, 100), 1,
                              generated=rng.random() < 0.3))
        tick += length
    return Score(notes=notes[:count], voices=[Voice("Melody"), Voice("Harmony", 48)])


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def summary(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"{name:<28} median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms   (n={len(samples)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from composer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(load_model=False, start_audio=False)
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    editor, roll = window.editor, window.roll
    score = make_score(args.notes)

    opens = []
    for _ in range(5):
        window.document.load(make_score(10))
        app.processEvents()
        opens.append(timed(lambda: (window.document.load(score), window.after_load(), editor.repaint())))
    window.document.undo_stack.setClean()

    bar = roll.horizontalScrollBar()
    scroll = []
    step = roll.viewport().width() // 6
    for i in range(args.frames):
        scroll.append(timed(lambda: (bar.setValue(bar.value() + step), editor.repaint())))
    vscroll = []
    vbar = roll.verticalScrollBar()
    for i in range(args.frames):
        delta = roll.geometry_.row_height * (3 if (i // 10) % 2 == 0 else -3)
        vscroll.append(timed(lambda: (vbar.setValue(vbar.value() + delta), editor.repaint())))
    zoom = []
    for i in range(args.frames):
        factor = 1.25 if (i // 8) % 2 == 0 else 0.8
        zoom.append(timed(lambda: (roll.zoom_horizontal(factor, 400), editor.repaint())))
    for _ in range(12):
        roll.zoom_horizontal(0.5)
    bar.setValue(0)
    step = roll.viewport().width() // 20
    visible = len(window.document.store.in_range(*roll.visible_ticks()))
    far = []
    for i in range(args.frames // 2):
        far.append(timed(lambda: (bar.setValue(bar.value() + step), editor.repaint())))

    print(f"score: {len(window.document.store)} notes over {window.document.store.end / 480 / 4:.0f} bars; "
          f"window {window.width()}x{window.height()}")
    print(summary("open (load + first frame)", opens))
    print(summary("scroll horizontally", scroll))
    print(summary("scroll vertically", vscroll))
    print(summary("zoom horizontally", zoom))
    print(summary(f"fully zoomed out ({visible} notes)", far))
    window.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

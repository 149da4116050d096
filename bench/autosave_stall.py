"""Window event-loop stalls while autosaving 100,000 notes (target: none over 50 ms).

Runs the real window offscreen with a 100,000-note score and a 1 ms QTimer that records how long
the event loop went without running it (a stall is what the person feels as a frozen window).
Measured three ways: idle (the machine's own noise), during background autosaves (how the app
does it: snapshot on the GUI thread, sorting/validation/chunked JSON/write in a worker thread), and
during the old way for comparison (the whole save_project on the GUI thread). Prints the longest
stall, the 99th percentile gap and the autosave's own duration; it does not pass or fail.

    .venv/bin/python bench/autosave_stall.py [--notes 100000] [--saves 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))


def gaps_while(app, work, seconds_after: float = 0.2) -> list[float]:
    """Run the event loop while `work(done)` runs; returns the gaps (ms) between 1 ms timer ticks."""
    from PySide6.QtCore import QTimer

    stamps: list[float] = []
    timer = QTimer(interval=1)
    timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
    finished = []
    timer.start()
    QTimer.singleShot(50, lambda: work(lambda: finished.append(time.perf_counter())))
    while not finished:
        app.processEvents()
        time.sleep(0.0002)
    end = finished[0] + seconds_after
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0002)
    timer.stop()
    return [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])]


def report(name: str, gaps: list[float], durations: list[float] | None = None, what: str = "save") -> None:
    gaps = sorted(gaps)
    p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
    over = sum(1 for g in gaps if g > 50)
    extra = f"   {what} took median {statistics.median(durations):6.1f} ms" if durations else ""
    print(f"{name:<34} longest stall {gaps[-1]:7.1f} ms   p99 gap {p99:5.1f} ms   over 50 ms: {over}{extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("COMPOSER_CONFIG_DIR", tempfile.mkdtemp(prefix="composer-bench-"))

    from PySide6.QtWidgets import QApplication

    from composer.io.project_file import Project, save_project
    from composer.music.score import TICKS_PER_QUARTER as Q, Note
    from composer.ui.main_window import MainWindow
    from ui_frames import make_score

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(load_model=False, start_audio=False)
    window.autosaver.timer.stop()  # the bench starts the autosaves itself
    window.show()
    window.document.load(make_score(args.notes))
    for _ in range(20):
        app.processEvents()
    print(f"{len(window.document.store)} notes, {args.saves} autosaves each way")

    idle: list[float] = []
    for _ in range(args.saves):
        idle += gaps_while(app, lambda done: done())
    report("idle", idle)

    def edit() -> None:
        """A change, so there is something to autosave; then the window's own reaction to an
        edit (repaint, playback sync) is let finish, so it is not counted as the autosave's."""
        window.document.add_notes([Note(60, window.document.score().end + Q, Q)])
        settle = time.perf_counter() + 0.5
        while time.perf_counter() < settle:
            app.processEvents()
            time.sleep(0.001)

    background, durations = [], []
    for _ in range(args.saves):
        edit()

        def autosave(done) -> None:
            started = time.perf_counter()
            assert window.autosaver.autosave()
            job = window.autosaver._job
            job.finished.connect(lambda: (durations.append((time.perf_counter() - started) * 1000), done()))
        background += gaps_while(app, autosave)
    report("autosave in a worker (the app)", background, durations)

    inline, inline_durations = [], []
    path = window.autosaver.path.with_name("inline.composer.json")
    for _ in range(args.saves):
        def blocking(done) -> None:
            started = time.perf_counter()
            save_project(Project(window.document.score(), {}), path)
            inline_durations.append((time.perf_counter() - started) * 1000)
            done()
        inline += gaps_while(app, blocking)
    report("save on the GUI thread (before)", inline, inline_durations)
    path.unlink(missing_ok=True)
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

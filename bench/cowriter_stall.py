"""Window event-loop stalls while the co-writer generates (target: none over 50 ms).

Runs the real window offscreen with the shipped model (in its own process, as the app does) and a
1 ms QTimer that records how long the event loop went without running it: idle (the machine's
own noise) and during continuations of an 8-note seed by 160 notes x 6 variations, the request
tests/ui/test_cowriter.py makes (that test bounds the GUI thread's CPU time between turns; the
wall-clock stalls a person feels depend on the machine, so they are measured here). Prints the
longest stall, the 99th percentile gap and the median generation time; it does not pass or fail.

    .venv/bin/python bench/cowriter_stall.py [--runs 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("COMPOSER_CONFIG_DIR", tempfile.mkdtemp(prefix="composer-bench-"))

    from PySide6.QtWidgets import QApplication

    from autosave_stall import gaps_while, report
    from composer.music.score import TICKS_PER_QUARTER as Q, Note
    from composer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(load_model=True, start_audio=False)
    window.show()
    deadline = time.perf_counter() + 120
    while window.cowriter.state not in ("ready", "error") and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    if window.cowriter.state != "ready":
        print(f"the model did not load: {window.cowriter.message}")
        return 1
    window.document.add_notes([Note(p, i * Q, Q) for i, p in enumerate((60, 62, 64, 65, 67, 65, 64, 62))])
    panel = window.cowriter_panel
    panel.length.setValue(160)
    panel.variation_count.setValue(6)

    idle: list[float] = []
    for _ in range(args.runs):
        idle += gaps_while(app, lambda done: done())
    report("idle", idle)

    during, durations = [], []
    for _ in range(args.runs):
        def generate(done) -> None:
            started = time.perf_counter()
            window.cowriter.variations_ready.connect(
                lambda _v: (durations.append((time.perf_counter() - started) * 1000), done()))
            panel.continue_seed()
        during += gaps_while(app, generate)
        window.cowriter.variations_ready.disconnect()
    report("continue 160 notes x 6 variations", during, durations, what="a generation")
    window.document.undo_stack.setClean()
    window.cowriter.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

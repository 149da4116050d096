"""Starting the application: QApplication, the window, an optional file to open."""

from __future__ import annotations

import os
import sys
import time

PROBE_ENV = "COMPOSER_STARTUP_PROBE"  # bench/startup.py: print timings and quit when ready


def run_app(path: str | None = None, argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from composer.ui.error_report import install as report_errors
    from composer.ui.main_window import open_window

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Composer")
    app.setOrganizationName("Composer")
    window = open_window(path)
    # An exception in a slot printed a traceback and the action did nothing, unsaid (QA): say it
    # in the window, which keeps running.
    reporter = report_errors(window)
    if os.environ.get(PROBE_ENV):
        _probe(app, window, started)
    try:
        return app.exec()
    finally:
        reporter.uninstall()  # errors while Python shuts down are only printed, as before


def _probe(app, window, started: float) -> None:
    """Report when the window is painted and when the model is ready, then quit."""
    from PySide6.QtCore import QTimer

    origin = float(os.environ.get(PROBE_ENV + "_T0", "0") or 0) or None

    def stamp(label: str) -> None:
        now = time.time()
        print(f"{label} {now - origin if origin else time.perf_counter() - started:.4f}", flush=True)

    QTimer.singleShot(0, lambda: stamp("window"))

    def model_state(state: str, _message: str) -> None:
        if state in ("ready", "error"):
            stamp("model" if state == "ready" else "model-error")
            QTimer.singleShot(0, window.close)

    window.cowriter.model_state_changed.connect(model_state)
    if window.cowriter.state in ("ready", "error"):
        model_state(window.cowriter.state, "")

"""A real Composer window in a child process, for tests that kill it (a crash is a SIGKILL; no
clean-up code runs). Run by tests/ui/test_recovery.py:

    python recovery_child.py ANSWER OPEN PITCHES

ANSWER: how to answer the recovery question if one is asked (yes / no); OPEN: a file argument
("-" for none), as `composer gui FILE` passes it; PITCHES: comma-separated pitches to add as one
edit after start-up ("-" for none). The child then autosaves, waits for the write, prints
`AUTOSAVED <json of the score's pitches and the project path>` and runs until it is killed.

With ANSWER = partial, it instead opens a save of TARGET=OPEN through composer.io.safe_write,
writes half the bytes, prints `PARTIAL <partial path>` and waits to be killed mid-save.

Settings and autosaves go where the parent's environment says (XDG_CONFIG_HOME from
tests/conftest.py, COMPOSER_CONFIG_DIR from tests/ui/conftest.py), never the user's own.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def partial_save(target: str) -> None:
    from composer.io import safe_write

    with safe_write.replacing(target) as handle:
        handle.write(b'{"format": "composer-project", ')
        handle.flush()
        partial = next(p for p in os.listdir(os.path.dirname(target) or ".") if p.endswith(".part"))
        print("PARTIAL", os.path.join(os.path.dirname(target), partial), flush=True)
        time.sleep(600)


def main(answer: str, opening: str, pitches: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from composer.music.score import TICKS_PER_QUARTER as Q, Note
    from composer.ui.main_window import open_window

    app = QApplication(sys.argv[:1])
    window = open_window(None if opening == "-" else opening, load_model=False, start_audio=False)

    def answer_question() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.windowTitle().startswith("Recover"):
            box.button(QMessageBox.StandardButton.Yes if answer == "yes" else QMessageBox.StandardButton.No).click()

    clicker = QTimer(interval=20)
    clicker.timeout.connect(answer_question)
    clicker.start()
    started = time.monotonic()

    def settled() -> None:
        if time.monotonic() - started < 1.0 or window.files.reading:
            QTimer.singleShot(50, settled)
            return
        if pitches != "-":
            end = window.document.score().end
            window.document.add_notes([Note(int(p), end + i * Q, Q) for i, p in enumerate(pitches.split(","))])
        window.autosaver.autosave()
        window.autosaver.wait()
        app.processEvents()
        state = {"pitches": [n.pitch for n in window.document.score().notes], "path": window.files.path,
                 "autosave": str(window.autosaver.path), "error": window.last_error}
        print("AUTOSAVED", json.dumps(state), flush=True)

    QTimer.singleShot(0, settled)
    app.exec()


if __name__ == "__main__":
    if sys.argv[1] == "partial":
        partial_save(sys.argv[2])
    else:
        main(*sys.argv[1:4])

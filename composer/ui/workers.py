"""Background work in threads: reading files and rendering WAV (the model has its own process,
see model_process).

Each worker is a QThread whose run() does the slow part; results travel by signals that the
window connects to *methods of QObjects living in the GUI thread* (never to lambdas, which would
run in the worker's thread), so Qt queues them onto the event loop.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QThread, Signal



def describe(error: BaseException) -> str:
    """A message for the user: the exception's own text, never a traceback."""
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 600 else text[:600] + "…"


class FileReadJob(QThread):
    """Reads a score or project off the GUI thread; a bad file only produces a message."""

    succeeded = Signal(object, str)  # Project, path
    failed = Signal(str, str)  # message, path

    def __init__(self, path: str | Path, parent=None):
        super().__init__(parent)
        self.path = Path(path)

    def run(self) -> None:
        from composer.io.errors import ScoreFileError
        from composer.io.project_file import Project, is_project_path, load_project

        try:
            if is_project_path(self.path):
                project = load_project(self.path)
            else:
                from composer.io import read_score

                score = read_score(self.path)
                if not score.title:
                    score.title = self.path.stem
                project = Project(score=score)
        except ScoreFileError as error:
            self.failed.emit(str(error), str(self.path))
            return
        except Exception as error:  # a reader bug must not take the window down
            self.failed.emit(f"{self.path}: could not be read ({describe(error)})", str(self.path))
            return
        self.succeeded.emit(project, str(self.path))


class CallJob(QThread):
    """Runs one callable (e.g. a WAV render) with progress and cancel; used for exports."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work, parent=None):
        super().__init__(parent)
        self.work = work  # work(progress, cancelled) -> result
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self.work(lambda done, total: self.progressed.emit(int(done), int(total)), self._cancel.is_set)
        except Exception as error:
            self.failed.emit(describe(error))
            return
        self.succeeded.emit(result)

"""Background work: loading the model, generating continuations, reading files, rendering WAV.

Each worker is a QThread whose run() does the slow part; results travel by signals that the
window connects to *methods of QObjects living in the GUI thread* (never to lambdas, which would
run in the worker's thread), so Qt queues them onto the event loop.
"""

from __future__ import annotations

import inspect
import os
import threading
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from composer.music.score import Score


def torch_threads() -> int:
    """Half the cores (at least one) for the model, so audio, MIDI and the GUI keep running."""
    return max(1, (os.cpu_count() or 2) // 2)


def describe(error: BaseException) -> str:
    """A message for the user: the exception's own text, never a traceback."""
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 600 else text[:600] + "…"


class ModelLoader(QThread):
    loaded = Signal(object, float)  # Continuer, seconds taken
    failed = Signal(str)

    def __init__(self, checkpoint: str | None, parent=None):
        super().__init__(parent)
        self.checkpoint = checkpoint or None

    def run(self) -> None:
        started = time.perf_counter()
        try:
            from composer.generate import Continuer  # imports torch: only ever on this thread

            if "threads" in inspect.signature(Continuer.load).parameters:
                continuer = Continuer.load(self.checkpoint, threads=torch_threads())
            else:
                import torch

                torch.set_num_threads(torch_threads())
                continuer = Continuer.load(self.checkpoint)
        except Exception as error:  # any failure becomes a status-bar message
            self.failed.emit(f"The co-writer model could not be loaded: {describe(error)}")
            return
        self.loaded.emit(continuer, time.perf_counter() - started)


class GenerationJob(QThread):
    progressed = Signal(int, int)  # notes done, total
    succeeded = Signal(list)  # [Score]
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, continuer, seed: Score, options: dict, parent=None):
        super().__init__(parent)
        self.continuer = continuer
        self.seed = seed
        self.options = dict(options)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(int(done), int(total))

    def run(self) -> None:
        params = inspect.signature(self.continuer.continue_score).parameters
        options = dict(self.options)
        if "progress" in params:
            options["progress"] = self._progress
        if "cancel" in params:  # without it, a cancelled result is simply discarded
            options["cancel"] = self._cancel.is_set
        try:
            results = self.continuer.continue_score(self.seed, **options)
        except Exception as error:
            if self._cancel.is_set() or type(error).__name__ == "Cancelled":
                self.cancelled.emit()
            else:
                traceback.print_exc()  # for the developer's terminal; the user gets the message
                self.failed.emit(f"The co-writer failed: {describe(error)}")
            return
        if self._cancel.is_set():
            self.cancelled.emit()
        else:
            self.succeeded.emit(list(results))


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

"""Periodic autosave and recovery after a crash.

Each running window writes its work to <config>/autosave/autosave-<pid>.composer.json when it has
changed since the last autosave; a clean exit deletes the file. A file whose process is gone was
left by a crash (or a kill) and is offered for recovery at the next start."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from composer.io.errors import ScoreFileError
from composer.io.project_file import Project, load_project, save_project
from composer.ui.document import ScoreDocument
from composer.ui.settings import config_dir

SOURCE_KEY = "autosave_source"  # the file the work came from, kept in the generation dict


def autosave_dir() -> Path:
    return config_dir() / "autosave"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but not ours
    return True


def orphaned_autosaves(directory: Path | None = None) -> list[Path]:
    """Autosaves left by processes that are no longer running, newest first."""
    directory = directory or autosave_dir()
    found = []
    for path in directory.glob("autosave-*.composer.json"):
        try:
            pid = int(path.name.split("-")[1].split(".")[0])
        except (IndexError, ValueError):
            continue
        if not _pid_alive(pid):
            found.append(path)
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def recover(path: Path) -> tuple[Project, str | None]:
    """Load an autosave; returns the project and the file it was autosaving (if any)."""
    project = load_project(path)
    source = project.generation.pop(SOURCE_KEY, None)
    return project, source if isinstance(source, str) and source else None


class Autosaver(QObject):
    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, document: ScoreDocument, generation_settings, source_path, interval_s: int = 60,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.generation_settings = generation_settings  # () -> dict
        self.source_path = source_path  # () -> str | None
        self.path = autosave_dir() / f"autosave-{os.getpid()}.composer.json"
        self._changed = False
        self.last_saved: float | None = None
        document.undo_stack.indexChanged.connect(self._mark)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.autosave)
        self.set_interval(interval_s)
        self.timer.start()

    def set_interval(self, seconds: int) -> None:
        self.timer.setInterval(max(1, seconds) * 1000)

    def _mark(self, _index: int = 0) -> None:
        self._changed = True

    def autosave(self) -> bool:
        """Save now if there is unsaved work; returns whether a file was written."""
        if not self._changed:
            return False
        if self.document.undo_stack.isClean():
            self.discard()
            self._changed = False
            return False
        generation = dict(self.generation_settings())
        generation[SOURCE_KEY] = self.source_path() or ""
        try:
            save_project(Project(self.document.score(), generation), self.path)
        except ScoreFileError as error:
            self.failed.emit(f"Autosave failed: {error}")
            return False
        self._changed = False
        self.last_saved = time.time()
        self.saved.emit(str(self.path))
        return True

    def discard(self) -> None:
        """Remove this session's autosave (after a save, or on a clean exit)."""
        self.path.unlink(missing_ok=True)

    def stop(self) -> None:
        self.timer.stop()
        self.discard()

"""Periodic autosave and recovery after a crash.

Each running window writes its work to <config>/autosave/autosave-<pid>.composer.json when it has
changed since the last autosave; a save or a clean exit deletes the file. A file whose process is
gone was left by a crash (or a kill) and is offered for recovery at the next start, also when the
app is started with a file argument (that file's autosave first).

Lose nothing: recovered work is adopted as this session's autosave (the file is renamed, never
deleted), counts as unsaved and keeps being autosaved, so a second crash before a save loses
nothing either. An autosave that cannot be reloaded is kept, renamed `unreadable-…`, and named in
the message. Writes are atomic and fsynced (composer.io.safe_write); partial files a killed
process left behind are removed at start.

The snapshot is taken on the GUI thread (a list copy of immutable notes: ~1 ms for 100,000);
sorting, validation, JSON and the write run in a worker thread (bench/autosave_stall.py).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from composer.io.project_file import Project, is_project_path, load_project, save_project
from composer.io.safe_write import clean_stale_partials
from composer.ui.document import ScoreDocument
from composer.ui.settings import config_dir
from composer.ui.workers import CallJob

if TYPE_CHECKING:
    from composer.ui.main_window import MainWindow

SOURCE_KEY = "autosave_source"  # the file the work came from, kept in the generation dict
# what that file was: "project" (Save writes it) or "import" (a MIDI, ABC or MusicXML file read in:
# Save asks for a project name rather than overwriting it)
SOURCE_KIND_KEY = "autosave_source_kind"
UNREADABLE_PREFIX = "unreadable-"
_SOURCE_PATTERN = re.compile(r'"autosave_source":("(?:[^"\\]|\\.)*")')


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

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0
    return sorted(found, key=modified, reverse=True)


def autosave_source(path: Path) -> str | None:
    """The file an autosave was autosaving, read cheaply from the end of the file (where the
    generation settings are), or None (untitled work, or an unreadable file)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 65536))
            tail = handle.read().decode("utf-8", errors="replace")
        match = _SOURCE_PATTERN.search(tail)
        source = json.loads(match.group(1)) if match else None
    except (OSError, ValueError):
        return None
    return source or None


def recover(path: Path) -> tuple[Project, str | None, bool]:
    """Load an autosave; returns the project, the file it was autosaving (if any) and whether
    that file is a project (an autosave written before the kind was kept: by its name).
    Raises ScoreFileError (naming the file) when it cannot be reloaded."""
    project = load_project(path)
    source = project.generation.pop(SOURCE_KEY, None)
    kind = project.generation.pop(SOURCE_KIND_KEY, None)
    source = source if isinstance(source, str) and source else None
    return project, source, kind == "project" if kind in ("project", "import") else bool(
        source and is_project_path(source))


def keep_unreadable(path: Path) -> Path:
    """Rename an autosave that cannot be reloaded so it is no longer offered, but kept (the user
    can open it or send it); returns where it is now."""
    target = path.with_name(f"{UNREADABLE_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{path.name}")
    try:
        os.replace(path, target)
    except OSError:
        return path
    return target


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return a == b


def offer_recovery(window: "MainWindow", opening: str | None = None) -> bool:
    """Offer the newest orphaned autosave (the one of `opening`, the file the app was started
    with, first). Returns True when work was recovered; the caller then does not open `opening`
    over it. Declining removes only the autosave that was offered; others wait for the next start."""
    orphans = orphaned_autosaves()
    if not orphans:
        return False
    sources = {path: autosave_source(path) for path in orphans}
    chosen = next((p for p in orphans if opening and sources[p] and _same_file(sources[p], opening)), orphans[0])
    what = f"the changes to {Path(sources[chosen]).name}" if sources[chosen] else "unsaved work on an untitled piece"
    when = time.strftime("%d %b %H:%M", time.localtime(chosen.stat().st_mtime)) if chosen.exists() else "earlier"
    # The file the app was started with waits behind this question: say whether this is its work
    # (QA qa14: an untitled piece's autosave was offered with no word of the file being opened).
    other = opening is not None and not (sources[chosen] and _same_file(sources[chosen], opening))
    choice = (f"Yes opens it instead of {Path(opening).name}; No deletes this autosave ({chosen.name}) and "
              f"opens {Path(opening).name}.") if other else f"No deletes this autosave ({chosen.name})."
    answer = QMessageBox.question(
        window, "Recover unsaved work?",
        f"Composer did not close properly last time. Recover {what} (autosaved {when})?\n\n{choice}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        return recover_into(window, chosen)
    chosen.unlink(missing_ok=True)
    return False


def recover_into(window: "MainWindow", path: Path) -> bool:
    """Put an autosave's work in the window as unsaved changes, adopting the file as this
    session's autosave. An autosave that cannot be reloaded is kept (renamed) and named."""
    try:
        project, source, is_project = recover(path)
    except Exception as error:  # ScoreFileError, or a bug: either way the file must survive
        kept = keep_unreadable(path)
        window.show_error(f"The autosave could not be recovered: {error}\n\n"
                          f"It was kept as {kept}, so nothing is deleted; Composer will not offer it again.")
        return False
    window.files.load_recovered(project, source, is_project)
    window.autosaver.adopt(path)
    what = f" on {Path(source).name}" if source else ""
    window.show_status(f"Recovered unsaved work{what}; it is autosaved until you save it")
    return True


class Autosaver(QObject):
    """Writes the document every `interval_s` seconds while it has unsaved changes, in a worker
    thread. `saved(path)` / `failed(message)` are emitted on the GUI thread."""

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, document: ScoreDocument, generation_settings, source, interval_s: int = 60,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.generation_settings = generation_settings  # () -> dict
        # () -> (the file the work came from or None, whether it is a project): an imported MIDI
        # had been left out, and its work came back as an untitled piece (QA)
        self.source = source
        self.path = autosave_dir() / f"autosave-{os.getpid()}.composer.json"
        clean_stale_partials(self.path.parent)  # a kill mid-autosave leaves a partial file
        self._changed = False
        self._job: CallJob | None = None
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

    @property
    def busy(self) -> bool:
        return self._job is not None and self._job.isRunning()

    def autosave(self) -> bool:
        """Start writing now if there is unsaved work; returns whether a write was started
        (wait() waits for it). A write already in progress defers this one to the next tick."""
        if not self._changed or self.busy:
            return False
        if self.document.undo_stack.isClean():
            self.discard()
            self._changed = False
            return False
        generation = dict(self.generation_settings())
        source, is_project = self.source()
        generation[SOURCE_KEY] = source or ""
        generation[SOURCE_KIND_KEY] = "project" if is_project else "import" if source else ""
        project = Project(self.document.snapshot(), generation)  # cheap: sorting is the worker's
        path = self.path
        self._changed = False
        if self._job is not None:
            self._job.deleteLater()  # finished (not busy): one thread object per write otherwise
        job = CallJob(lambda _progress, _cancelled: save_project(project, path, private=True), self)
        job.succeeded.connect(self._written)
        job.failed.connect(self._write_failed)
        self._job = job
        job.start()
        return True

    def _written(self, _result) -> None:
        self.last_saved = time.time()
        self.saved.emit(str(self.path))

    def _write_failed(self, message: str) -> None:
        self._changed = True  # try again on the next tick
        self.failed.emit(f"Autosave failed: {message}")

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Wait for a write in progress; True when none is left running."""
        if self._job is not None:
            return self._job.wait(timeout_ms)
        return True

    def adopt(self, path: Path) -> None:
        """Make a recovered autosave this session's own (renamed, so it is not offered again
        while this session runs, and deleted only by a save or a clean exit); the recovered work
        is written again on the next tick."""
        self.wait()
        try:
            if Path(path) != self.path:
                os.replace(path, self.path)
        except OSError:
            pass  # left where it is: still an orphan, offered again at the next start
        self._changed = True

    def discard(self) -> None:
        """Remove this session's autosave (after a save, or on a clean exit)."""
        self.wait()
        self.path.unlink(missing_ok=True)

    def stop(self) -> None:
        self.timer.stop()
        self.discard()

"""New, Open (dialog, recent files, drag and drop), Save / Save As, Export MIDI / WAV, and the
unsaved-changes prompt. Files are read in a worker; the open work is replaced only once the new
file has been read successfully, so a bad file never costs the user anything."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from composer.io import SCORE_SUFFIXES
from composer.io.errors import ScoreFileError
from composer.io.project_file import PROJECT_SUFFIXES, Project, is_project_path, save_project
from composer.io.safe_write import clean_stale_partials
from composer.music.score import Score
from composer.ui.workers import CallJob, FileReadJob

if TYPE_CHECKING:
    from composer.ui.main_window import MainWindow

OPEN_FILTER = ("Scores and projects (*.cmp *.composer.json " + " ".join(f"*{s}" for s in sorted(SCORE_SUFFIXES))
               + ");;Composer projects (*.cmp *.composer.json);;MIDI (*.mid *.midi);;ABC (*.abc);;"
               "MusicXML (*.xml *.mxl *.musicxml);;All files (*)")
PROJECT_FILTER = "Composer project (*.composer.json *.cmp)"
OPENABLE = tuple(PROJECT_SUFFIXES) + tuple(SCORE_SUFFIXES)


def can_open(path: str | Path) -> bool:
    name = Path(path).name.lower()
    return any(name.endswith(suffix) for suffix in OPENABLE)


class FileActions(QObject):
    path_changed = Signal(str)  # the project path ("" = untitled)
    opened = Signal(str)

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.settings = window.settings
        self.path: str | None = None  # the project file (None for a new or imported score)
        self.source: str | None = None  # what was opened (a .mid etc.), for titles
        self._reader: FileReadJob | None = None
        self._export: CallJob | None = None
        for folder in {str(Path(p).parent) for p in self.settings.recent_files()}:
            clean_stale_partials(folder)  # saves a killed process left half-written

    # --- unsaved changes ---------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        """True when it is fine to replace the open work (saved, or the user said so)."""
        if self.document.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved changes", f"Save the changes to {self.display_name()} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def display_name(self) -> str:
        if self.path:
            return Path(self.path).name
        if self.source:
            return Path(self.source).name
        return "Untitled"

    # --- new / open --------------------------------------------------------------------------
    def new(self) -> None:
        if self.confirm_discard():
            notice = self._set_project(Project(Score()), None, None)
            if notice:
                self.window.show_status(notice)

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Open", self.settings.last_directory(), OPEN_FILTER)
        if path:
            self.open_path(path, confirmed=True)

    def open_path(self, path: str | Path, *, confirmed: bool = False) -> bool:
        """Start reading a file in the background. Returns False if it was not started."""
        if not confirmed and not self.confirm_discard():
            return False
        if self._reader is not None and self._reader.isRunning():
            self.window.show_error("Still opening the previous file; try again in a moment.")
            return False
        self.window.show_status(f"Opening {Path(path).name}…")
        self._reader = FileReadJob(path, self)
        self._reader.succeeded.connect(self._read_ok)
        self._reader.failed.connect(self._read_failed)
        self._reader.start()
        return True

    @property
    def reading(self) -> bool:
        return self._reader is not None and self._reader.isRunning()

    def _read_ok(self, project: Project, path: str) -> None:
        self.settings.add_recent(path)
        self.settings.set_last_directory(path)
        notice = self._set_project(project, path if is_project_path(path) else None, path)
        notice = f". {notice}" if notice else ""
        problems = getattr(project.score, "problems", ())  # what the reader worked around (limits, damage)
        notices = getattr(project.score, "notices", ())  # what it interpreted (repeats written out, pedal)
        said = (*problems, *notices)
        changed = f" ({'; '.join(said[:3])}{'; …' if len(said) > 3 else ''})" if said else ""
        self.window.show_status(f"Opened {Path(path).name}: {len(project.score.notes)} notes{changed}{notice}")
        if problems:  # a notice that stays until read (non-blocking), naming the file and each problem
            listed = "\n".join(f"• {p}" for p in problems[:8]) + (f"\n… and {len(problems) - 8} more" if len(problems) > 8 else "")
            also = "".join(f"\n• {n}" for n in notices)
            self.window.show_error(f"{Path(path).name} was opened, but not everything in it could be read "
                                   f"as written:\n\n{listed}" + (f"\n\nAlso, as read:{also}" if also else ""))
            # The status line is a sentence of its own: the dialog's first line, which show_error
            # puts there, ended in a colon with nothing after it (QA).
            more = f" ({len(problems) - 1} more: see the dialog)" if len(problems) > 1 else ""
            first = str(problems[0]).splitlines()[0] if str(problems[0]).strip() else "see the dialog"
            self.window.show_status(f"{Path(path).name} was opened, but not everything in it could be read "
                                    f"as written: {first}{more}{notice}")
        self.opened.emit(path)

    def _read_failed(self, message: str, path: str) -> None:
        self.window.show_error(f"Could not open {Path(path).name}. Your current work is unchanged.\n\n{message}")

    def _set_project(self, project: Project, path: str | None, source: str | None) -> str:
        """Put the project in the editor; returns what changed in the co-writer panel to say."""
        self.document.load(project.score)
        panel = self.window.cowriter_panel
        notice = panel.key_lock_for_piece(project.generation)
        if project.generation:
            panel.apply_settings(project.generation)
        self.path, self.source = path, source
        self.path_changed.emit(path or "")
        self.window.after_load()
        return notice

    def autosave_source(self) -> tuple[str | None, bool]:
        """The file the open work came from, and whether it is a project (for the autosave)."""
        return (self.path, True) if self.path else (self.source, False)

    def load_recovered(self, project: Project, source: str | None, is_project: bool | None = None) -> None:
        """Put recovered work in the editor as unsaved changes (so closing asks to save), knowing
        the file it came from again: a project is saved back to; an imported file is not
        overwritten (Save asks for a project name), as before the crash."""
        if is_project is None:
            is_project = bool(source and is_project_path(source))
        self._set_project(project, source if source and is_project else None, source)
        self.document.undo_stack.resetClean()  # no state is clean: the recovered work is unsaved

    # --- save --------------------------------------------------------------------------------
    def project(self) -> Project:
        return Project(self.document.score(), self.window.cowriter_panel.settings())

    def save(self) -> bool:
        if not self.path:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        start = self.path or str(Path(self.settings.last_directory() or ".") / (
            Path(self.source).stem if self.source else "untitled"))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project", start, PROJECT_FILTER)
        if not path:
            return False
        if not is_project_path(path):
            path += ".composer.json"
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        try:
            save_project(self.project(), path)
        except ScoreFileError as error:
            self.window.show_error(f"Could not save.\n\n{error}")
            return False
        self.path = str(path)
        self.document.undo_stack.setClean()
        self.settings.add_recent(path)
        self.settings.set_last_directory(path)
        self.path_changed.emit(self.path)
        self.window.show_status(f"Saved {Path(path).name}")
        self.window.autosaver.discard()
        return True

    # --- export ------------------------------------------------------------------------------
    def _ask_export_path(self, title: str, suffix: str, filter_text: str) -> str | None:
        stem = Path(self.path or self.source or "untitled").name.split(".")[0]
        start = str(Path(self.settings.last_directory() or ".") / f"{stem}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self.window, title, start, filter_text)
        if path and not path.lower().endswith(suffix):
            path += suffix
        return path or None

    def export_midi_dialog(self, only_generated: bool = False) -> None:
        title = "Export continuation as MIDI" if only_generated else "Export MIDI"
        path = self._ask_export_path(title, ".mid", "MIDI (*.mid)")
        if path:
            self.export_midi(path, only_generated=only_generated)

    def export_midi(self, path: str | Path, *, only_generated: bool = False) -> bool:
        from composer.io import write_midi

        score = self.document.score()
        if only_generated and not any(n.generated for n in score.notes):
            self.window.show_error("There is no accepted continuation to export yet.")
            return False
        try:
            write_midi(score, path, only_generated=only_generated)
        except ScoreFileError as error:
            self.window.show_error(f"Could not export.\n\n{error}")
            return False
        self.window.show_status(f"Exported {Path(path).name}")
        return True

    def export_wav_dialog(self) -> None:
        path = self._ask_export_path("Export WAV", ".wav", "WAV audio (*.wav)")
        if path:
            self.export_wav(path)

    def export_wav(self, path: str | Path) -> CallJob | None:
        """Render in a worker with progress in the status bar; returns the job (tests wait on it)."""
        from composer.ui.audio_bridge import wav_renderer

        try:
            render = wav_renderer(self.settings)
        except Exception as error:  # no FluidSynth / no soundfont: say how to fix it
            self.window.show_error(f"Cannot render audio: {error}")
            return None
        score = self.document.score()
        job = CallJob(lambda progress, cancelled: render(score, path, progress, cancelled), self)
        job.progressed.connect(self._export_progress)
        job.succeeded.connect(self._export_done)
        job.failed.connect(self._export_failed)
        self._export = job
        self._export_path = str(path)
        job.start()
        return job

    def _export_progress(self, done: int, total: int) -> None:
        self.window.show_status(f"Rendering {Path(self._export_path).name}: {100 * done // max(1, total)} %")

    def _export_done(self, result) -> None:
        name = Path(self._export_path).name
        gain = getattr(result, "gain_db", 0.0)
        if gain:  # what was changed is said: the level, and by how much
            self.window.show_status(f"Exported {name}: peak normalised to {result.peak_dbfs:.1f} dBFS "
                                    f"({gain:+.1f} dB)")
        else:
            self.window.show_status(f"Exported {name} (peak {getattr(result, 'peak_dbfs', 0.0):.1f} dBFS, "
                                    "as rendered)")
        if getattr(result, "notice", None):  # a bounded render says what it shortened
            self.window.show_error(f"Exported {name}: {result.notice}.")

    def _export_failed(self, message: str) -> None:
        self.window.show_error(f"WAV export failed: {message}")

    def wait(self, timeout_ms: int = 10000) -> None:
        for job in (self._reader, self._export):
            if job is not None:
                job.wait(timeout_ms)

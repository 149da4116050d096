"""The co-writer controller (GUI thread): loads the model in the background at start-up, runs one
generation at a time in a worker, and turns results into variations the user can audition and
accept. Accepting is one undoable edit."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from PySide6.QtCore import QObject, Signal

from composer.music.score import Note, Score
from composer.ui.document import ScoreDocument
from composer.ui.workers import GenerationJob, ModelLoader


@dataclass(slots=True)
class Variation:
    number: int
    score: Score  # the seed followed by the continuation
    options: dict = field(default_factory=dict)

    def new_notes(self, existing: Iterable[Note]) -> list[Note]:
        """Notes of this variation that the document does not have yet (by value, counting
        repeats): the continuation, plus any earlier continuation it was continued from."""
        have = Counter(existing)
        out = []
        for note in self.score.notes:
            if have[note] > 0:
                have[note] -= 1
            else:
                out.append(note)
        return out

    @property
    def generated_count(self) -> int:
        return sum(1 for n in self.score.notes if n.generated)


class CoWriter(QObject):
    model_state_changed = Signal(str, str)  # "loading" | "ready" | "error" | "none", message
    busy_changed = Signal(bool)
    progressed = Signal(int, int)
    variations_ready = Signal(list)  # [Variation]
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, document: ScoreDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.continuer = None
        self.state = "none"
        self.message = "Co-writer model not loaded"
        self.load_seconds: float | None = None
        self._loader: ModelLoader | None = None
        self._job: GenerationJob | None = None
        self._old_jobs: list[GenerationJob] = []  # cancelled jobs finishing in the background
        self._started = 0.0
        self.last_seed: Score | None = None
        self.last_options: dict = {}

    # --- the model ---------------------------------------------------------------------------
    def load_model(self, checkpoint: str | None = None) -> None:
        if self._loader is not None and self._loader.isRunning():
            return
        self.continuer = None
        self._set_state("loading", "Loading the co-writer model…")
        self._loader = ModelLoader(checkpoint, self)
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_load_failed)
        self._loader.start()

    def use_model(self, continuer, seconds: float = 0.0) -> None:
        """Take an already loaded Continuer (scripts and tests that share one)."""
        self._on_loaded(continuer, seconds)

    def _on_loaded(self, continuer, seconds: float) -> None:
        self.continuer = continuer
        self.load_seconds = seconds
        name = getattr(getattr(continuer, "path", None), "name", None) or "default model"
        self._set_state("ready", f"Co-writer ready ({name}, loaded in {seconds:.1f} s)")

    def _on_load_failed(self, message: str) -> None:
        self._set_state("error", message)

    def _set_state(self, state: str, message: str) -> None:
        self.state, self.message = state, message
        self.model_state_changed.emit(state, message)

    @property
    def styles(self) -> list[str]:
        return list(getattr(self.continuer, "styles", []) or [])

    def wait_for_model(self, timeout_ms: int = 30000) -> bool:
        """For scripts and tests: block until the loader thread ends (events still need processing
        for the result to arrive)."""
        return self._loader is None or self._loader.wait(timeout_ms)

    # --- generating --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._job is not None

    def generate(self, seed: Score, options: dict) -> str | None:
        """Start a generation; returns None, or the reason it cannot start."""
        if self.continuer is None:
            return {"loading": "The co-writer model is still loading; try again in a moment.",
                    "error": self.message}.get(self.state, "The co-writer model is not loaded.")
        if self._job is not None:
            return "A continuation is already being written."
        if not seed.notes:
            return "There are no seed notes: select some notes, or move the playhead after the notes to continue."
        self.last_seed, self.last_options = seed, dict(options)
        job = GenerationJob(self.continuer, seed, options, self)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self._job = job
        self._started = time.perf_counter()
        job.start()
        self.busy_changed.emit(True)
        return None

    def cancel(self) -> None:
        """Ask the worker to stop and forget it at once: the window is free immediately, and a
        result that still arrives from it is ignored."""
        job = self._job
        if job is None:
            return
        job.cancel()
        self._old_jobs.append(job)
        job.finished.connect(self._reap)
        self._job = None
        self.busy_changed.emit(False)
        self.cancelled.emit()

    def _reap(self) -> None:
        self._old_jobs = [j for j in self._old_jobs if j.isRunning()]

    def _current(self) -> bool:
        return self.sender() is self._job

    def _on_progress(self, done: int, total: int) -> None:
        if self._current():
            self.progressed.emit(done, total)

    def _finish(self) -> None:
        self._job = None
        self.busy_changed.emit(False)

    def _on_succeeded(self, scores: list) -> None:
        if not self._current():
            return
        self._finish()
        options = dict(self.last_options)
        options["seconds"] = time.perf_counter() - self._started
        self.variations_ready.emit([Variation(i + 1, s, options) for i, s in enumerate(scores)])

    def _on_failed(self, message: str) -> None:
        if self._current():
            self._finish()
            self.failed.emit(message)

    def _on_cancelled(self) -> None:
        if self._current():
            self._finish()
            self.cancelled.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop workers before the window goes (a QThread destroyed while running aborts)."""
        self.cancel()
        for thread in [self._loader, *self._old_jobs]:
            if thread is not None and thread.isRunning():
                thread.wait(timeout_ms)

    # --- accepting ---------------------------------------------------------------------------
    def accept(self, variation: Variation) -> int:
        """Add the variation's new notes to the score as one undoable step; returns how many."""
        doc = self.document
        notes = variation.new_notes(doc.store.notes())
        if not notes:
            return 0
        doc.undo_stack.beginMacro(f"Accept variation {variation.number}")
        try:
            doc.ensure_voices(max(n.voice for n in notes) + 1)
            doc.add_notes(notes, f"Accept variation {variation.number}")
        finally:
            doc.undo_stack.endMacro()
        return len(notes)

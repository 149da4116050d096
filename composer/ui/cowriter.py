"""The co-writer controller (GUI thread): starts the model process at start-up (the window is
already up), runs one generation at a time there, and turns results into variations the user can
audition and accept. Accepting is one undoable edit."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QObject, Signal

from composer.music.region import Region
from composer.music.score import Note, Score
from composer.request import GenerationRequest, bar_at, continuation_start, continue_request
from composer.ui.document import ScoreDocument
from composer.ui.model_process import ModelProcess
from composer.ui.status_bar import duration_text


def notes_fingerprint(notes: Iterable[Note]) -> int:
    """An order-free fingerprint of a multiset of notes: what a generation was written against.
    Any edit (a transposed seed note, a deleted or added note) changes it; undoing it restores it."""
    return hash(frozenset(Counter(notes).items()))


@dataclass(slots=True)
class Variation:
    """One result of a generation (continue, fill, add part).

    `added` is what Accept puts into the score: only notes the co-writer wrote (plus those of the
    variation it was continued from), never seed notes. `context` fingerprints the document's
    notes when the request was made; once the score changes the variation is out of date (it
    would otherwise bring back an edited seed note) and is not merged blindly."""

    number: int
    score: Score  # the seed followed by the new notes (for previews and auditions)
    options: dict = field(default_factory=dict)
    added: list[Note] | None = None  # None: every note marked generated (older callers)
    context: int | None = None  # notes_fingerprint of the document at request time (None: unknown)
    removed: list[Note] = field(default_factory=list)  # notes a fill/regenerate replaces

    def __post_init__(self) -> None:
        if self.added is None:
            self.added = [n for n in self.score.notes if n.generated]

    def new_notes(self, existing: Iterable[Note] = ()) -> list[Note]:
        """The added notes the document does not hold yet (by value, counting repeats)."""
        have = Counter(existing)
        out = []
        for note in self.added:
            if have[note] > 0:
                have[note] -= 1
            else:
                out.append(note)
        return out

    def is_stale(self, existing: Iterable[Note]) -> bool:
        """True when the document's notes differ from those the variation was written against."""
        return self.context is not None and notes_fingerprint(existing) != self.context

    def is_in(self, existing: Iterable[Note]) -> bool:
        """True when every added note is already in the document (it was accepted)."""
        return bool(self.added) and not self.new_notes(existing)

    @property
    def generated_count(self) -> int:
        return len(self.added)


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
        self.state = "none"
        self.message = "Co-writer model not loaded"
        self.styles: list[str] = []  # the loaded model's styles, then the user's adapted styles
        self._model_styles: list[str] = []
        self.model_path = ""
        self.load_seconds: float | None = None
        self._process: ModelProcess | None = None
        self._old: list[ModelProcess] = []
        self._job = 0  # the job whose result the window is waiting for (0 = none)
        self._started = 0.0
        self._notice = ""  # what the model process said of the running job, said with its variations
        self.last_seed: Score | None = None
        self.last_options: dict = {}
        self.last_request: GenerationRequest | None = None
        self._context: int | None = None  # the document's notes fingerprint when the job started
        self._base: list[Note] = []  # notes a continued variation already added
        # Adapted styles (composer adapt): {name: checkpoint}. Each holds the base styles too (with
        # the base weights), so choosing one loads it and every other style writes as before.
        self.user_styles: dict[str, Path] = {}
        self.unusable_styles: dict[Path, str] = {}  # files of the styles folder left out, and why
        self._reported: set[Path] = set()  # those already told to the person
        self.base_checkpoint: str | None = None  # what load_model was last given

    # --- the model ---------------------------------------------------------------------------
    def load_model(self, checkpoint: str | None = None, *, style: str | None = None) -> None:
        """(Re)start the model process; the window stays usable while it loads. With `style` one
        of the user's adapted styles, its checkpoint is loaded instead (see use_style)."""
        self.base_checkpoint = checkpoint or None
        self.refresh_user_styles(announce=False)
        path = self.user_styles.get(style) if style else None
        self._load(str(path) if path else checkpoint)

    def use_style(self, style: str | None) -> bool:
        """Make sure the loaded model writes `style`: an adapted style not in the loaded model loads
        its checkpoint; a built-in style while an adapted style's checkpoint is loaded loads the
        base model again (the one in Settings), since that file holds the base as it was when the
        style was learned (True when a load started)."""
        path = self.user_styles.get(style or "")
        if path is None:
            loaded_own = any(self.model_path == str(p) for p in self.user_styles.values())
            if loaded_own and self.model_path != str(self.base_checkpoint or ""):
                self._load(self.base_checkpoint)
                return True
            return False
        if self.model_path == str(path) or style in self._model_styles:
            return False
        self._load(str(path))
        return True

    def refresh_user_styles(self, *, announce: bool = True) -> None:
        """Look at the styles folder again (a style was just learned); the style list follows."""
        from composer.user_styles import unusable_styles, user_styles

        self.user_styles = user_styles()
        self.unusable_styles = unusable_styles()
        if announce and self.state == "ready":
            self.styles = self._all_styles()
            self._set_state("ready", self.message)
            self._report_unusable()

    def _report_unusable(self) -> None:
        """Say once which files of the styles folder were left out of the style list, and why."""
        new = {path: why for path, why in self.unusable_styles.items() if path not in self._reported}
        if new:
            self._reported |= set(new)
            listing = "".join(f"\n  {path.name}: {why}" for path, why in new.items())
            self.failed.emit(f"Files of your styles folder left out of the style list (the app goes on without "
                             f"them):{listing}\nIn {next(iter(new)).parent}. Learn such a style again (Co-writer ▸ "
                             "Learn a Style from a Folder…), or remove the file.")

    def _all_styles(self) -> list[str]:
        return [*self._model_styles, *(s for s in self.user_styles if s not in self._model_styles)]

    def _load(self, checkpoint: str | None) -> None:
        self.cancel()
        if self._process is not None:
            self._retire(self._process)
        self._set_state("loading", "Loading the co-writer model…")
        self._loading = str(checkpoint or "")
        process = ModelProcess(checkpoint or None, self)
        process.loaded.connect(self._on_loaded)
        process.load_failed.connect(self._on_load_failed)
        process.progressed.connect(self._on_progress)
        process.succeeded.connect(self._on_succeeded)
        process.failed.connect(self._on_failed)
        process.cancelled.connect(self._on_cancelled)
        process.noticed.connect(self._on_notice)
        self._process = process
        process.start()

    def _retire(self, process: ModelProcess) -> None:
        for signal in (process.loaded, process.load_failed, process.progressed, process.succeeded,
                       process.failed, process.cancelled):
            signal.disconnect()
        process.stop(0)
        self._old.append(process)

    def _from_current(self) -> bool:
        return self.sender() is self._process

    def _on_loaded(self, styles: list, path: str, seconds: float) -> None:
        if not self._from_current():
            return
        self._model_styles, self.model_path, self.load_seconds = list(styles), path, seconds
        self.styles = self._all_styles()
        name = Path(path).name if path else "default model"
        self._set_state("ready", f"Co-writer ready ({name}, loaded in {duration_text(seconds)})")
        self._report_unusable()

    def _on_load_failed(self, message: str) -> None:
        if not self._from_current():
            return
        broken = next((name for name, path in self.user_styles.items() if str(path) == self._loading), None)
        if broken is not None and self._loading != str(self.base_checkpoint or ""):
            # A style of the user's that this version cannot read: say so, go on with the base model.
            del self.user_styles[broken]
            self.failed.emit(f"Your style '{broken}' could not be loaded, so the base model is used. {message}")
            self._load(self.base_checkpoint)
            return
        self._set_state("error", message)

    def _set_state(self, state: str, message: str) -> None:
        self.state, self.message = state, message
        self.model_state_changed.emit(state, message)

    # --- generating --------------------------------------------------------------------------
    def remote_continuer(self):
        """The loaded model for other parts of the window (call and response), answered by this
        model process (model_process.RemoteContinuer); None until the model is ready."""
        from composer.ui.model_process import RemoteContinuer

        if self.state != "ready" or self._process is None:
            return None
        return RemoteContinuer(self._process, self.styles)

    @property
    def busy(self) -> bool:
        return self._job != 0

    def generate(self, seed: Score, options: dict, *, base: Iterable[Note] = ()) -> str | None:
        """Start a generation; returns None, or the reason it cannot start. `base`: notes of the
        seed that are not in the document (a variation being continued); Accept adds them too.
        The result remembers the document as it is now (Variation.context)."""
        if self.state != "ready" or self._process is None:
            return {"loading": "The co-writer model is still loading; try again in a moment.",
                    "error": self.message}.get(self.state, "The co-writer model is not loaded.")
        if self._job:
            return "A continuation is already being written."
        if not seed.notes:
            return "There are no seed notes: select some notes, or move the playhead after the notes to continue."
        self.last_seed, self.last_options = seed, dict(options)
        request = self.continue_request_for(seed, options, moved=not base)
        if isinstance(request, str):
            return request
        return self.generate_request(request, base=base)

    def continue_request_for(self, seed: Score, options: dict, *, moved: bool = True) -> GenerationRequest | str:
        """The request Continue runs for `seed` (a Score holding the seed notes) with the panel's
        `options` (continue_score's names; "key_detected": the key was detected from the seed);
        `moved`: placed as _up_to_what_follows says. A str says why there is none."""
        try:
            request = continue_request(seed, **_continue_options(seed, options))
        except ValueError as error:
            return str(error)
        return self._up_to_what_follows(request, options.get("key_detected", False)) if moved else request

    def _up_to_what_follows(self, request: GenerationRequest, key_detected: bool = False) -> GenerationRequest | str:
        """A continue request from a seed in the middle of the piece (a selection, or the notes
        before the playhead) whose voices have music after it: the gap up to that music, written
        with the whole piece as context so it leads into it (a fill), instead of new notes on top
        of the ones that follow (Accept layered them, QA). No gap (a note in the middle selected,
        e.g. after moving it): the continuation goes after the end of the piece, as with nothing
        selected. Either way the whole piece is the context, so a key detected from the seed is
        detected again for where the notes go, as Fill does (composer.request.key_of_section):
        the notes an Accept leaves selected (10 notes of a fill in C major: G G F E D D over A)
        read as D major, and the C major piece was continued with F#s; one note drawn (and so
        selected) read as its own major key (QA)."""
        start, voices = request.region.start, set(request.region.voices)
        seed = set(request.score.notes)
        later = [n for n in self.document.store.notes()
                 if n.voice in voices and n.onset >= start and n not in seed]
        if not later:
            return request
        score = self.document.score()
        end = min(n.onset for n in later)
        key = {"key": "auto"} if key_detected else {}
        if end - start < MIN_GAP:
            return replace(request, score=score, region=Region(continuation_start(score), None, request.region.voices),
                           **key)
        # (the asked number of notes or bars still bounds it: a long gap is not filled to its end unasked)
        if request.bars is not None:
            end = min(end, bars_after(score, start, request.bars))
        return replace(request, score=score, region=Region(start, end, request.region.voices), bars=None, **key)

    def generate_request(self, request: GenerationRequest, *, base: Iterable[Note] = ()) -> str | None:
        """Start any generation (continue, fill, add part); returns None, or the reason it
        cannot start. The result remembers the document as it is now (Variation.context)."""
        if self.state != "ready" or self._process is None:
            return {"loading": "The co-writer model is still loading; try again in a moment.",
                    "error": self.message}.get(self.state, "The co-writer model is not loaded.")
        if self._job:
            return "A continuation is already being written."
        self.last_request = request
        self.last_seed = request.score
        self._context = notes_fingerprint(self.document.store.notes())
        self._base = list(base)
        self._started = time.perf_counter()
        self._notice = ""
        self._job = self._process.generate(request)
        self.busy_changed.emit(True)
        return None

    def cancel(self) -> None:
        """Stop the running generation; the window is free at once and a late result is ignored."""
        if not self._job:
            return
        if self._process is not None:
            self._process.cancel(self._job)
        self._job = 0
        self.busy_changed.emit(False)
        self.cancelled.emit()

    def _current(self, job: int) -> bool:
        return self._from_current() and job == self._job and job != 0

    def _finish(self) -> None:
        self._job = 0
        self.busy_changed.emit(False)

    def _on_progress(self, job: int, done: int, total: int) -> None:
        if self._current(job):
            self.progressed.emit(done, total)

    def _on_succeeded(self, job: int, packed: list) -> None:
        if not self._current(job):
            return
        self._finish()
        request = self.last_request
        results = ModelProcess.unpack_results(request, packed)
        options = dict(self.last_options)
        options["seconds"] = time.perf_counter() - self._started
        options["notice"] = self._notice
        replaced = request.replaced()
        self.variations_ready.emit([Variation(i + 1, score, options, added=[*self._base, *new],
                                              context=self._context, removed=replaced)
                                    for i, (score, new) in enumerate(results)])

    def _on_notice(self, job: int, text: str) -> None:
        if self._current(job):
            self._notice = text

    def _on_failed(self, job: int, message: str) -> None:
        if self._current(job):
            self._finish()
            self.failed.emit(message)

    def _on_cancelled(self, job: int) -> None:
        if self._current(job):
            self._finish()
            self.cancelled.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the model process (a QThread destroyed while running aborts the program)."""
        self.cancel()
        for process in [self._process, *self._old]:
            if process is not None:
                process.stop(timeout_ms)
        self._process, self._old = None, []

    # --- accepting ---------------------------------------------------------------------------
    def accept(self, variation: Variation) -> int:
        """Add the variation's new notes to the score as one undoable step; returns how many.
        An out-of-date variation (the score changed since it was written) adds nothing: the
        caller says so and offers Regenerate."""
        doc = self.document
        if variation.is_stale(doc.store.notes()):
            return 0
        # New against what stays: a fill over accepted co-writer notes that kept some of them as
        # they were (equal by value) had those counted as already there, then deleted with the
        # notes it replaces: a bar of the tune emptied, 14 of 21 notes added (QA).
        leaving = Counter(variation.removed)
        staying = []
        for note in doc.store.notes():
            if leaving[note] > 0:
                leaving[note] -= 1
            else:
                staying.append(note)
        notes = variation.new_notes(staying)
        if not notes:
            return 0
        text = f"Accept variation {variation.number}"
        doc.undo_stack.beginMacro(text)
        try:
            if len(variation.score.voices) > len(doc.voices):  # an added part: its voice with role and program
                doc.set_score_field("voices", [*doc.field("voices"), *variation.score.voices[len(doc.voices):]],
                                    "Add part", merge=False)
            doc.ensure_voices(max(n.voice for n in notes) + 1)
            replaced = _ids_of(doc, variation.removed)
            if replaced:
                doc.delete_notes(replaced, text)
            # Nothing left selected: a selection seeds Continue, and the accepted notes, left
            # selected unseen, made the next Continue write their voice alone (an added bass ran
            # on for 67 bars after the tune stopped; QA).
            doc.add_notes(notes, text, select=False)
        finally:
            doc.undo_stack.endMacro()
        return len(notes)


def _ids_of(document: ScoreDocument, notes: list[Note]) -> list[int]:
    """Document ids of these notes (by value, counting repeats)."""
    wanted = Counter(notes)
    ids = []
    for note_id, note in document.store.items():
        if wanted[note] > 0:
            wanted[note] -= 1
            ids.append(note_id)
    return ids


def bars_after(score: Score, start: int, bars: int) -> int:
    """The tick `bars` bar lines after `start`: the rest of its bar, then whole bars (as a
    continuation's --bars are counted)."""
    end = start if bar_at(score, start)[0] == start else bar_at(score, start)[1]
    for _ in range(bars):
        end = bar_at(score, end)[1]
    return end


MIN_GAP = 120  # ticks (a sixteenth): the least room after a mid-piece seed that a continuation fills


def _continue_options(seed: Score, options: dict) -> dict:
    """The panel's continue options (Continuer.continue_score's names) -> continue_request's."""
    voice = options.get("voice")
    voices = options.get("voices") or ((voice,) if voice is not None else None)
    if voices and max(voices) >= len(seed.voices):
        raise ValueError(f"voice {max(voices) + 1} is not in the score")
    return dict(voices=voices, length=options.get("length"), bars=options.get("bars"),
                variations=options.get("variations", 1), style=options.get("style"), key=options.get("key"),
                temperature=options.get("temperature", 1.0), top_p=options.get("top_p", 0.95),
                seed=options.get("seed"), key_detected=bool(options.get("key_detected")),
                **({"controls": options["controls"]} if options.get("controls") else {}))

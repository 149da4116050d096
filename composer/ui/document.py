"""The open score as the window edits it: notes with ids, the selection, the score's settings
and the undo stack. Widgets read from it and change it only through undoable edits."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any, Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from composer.music.limits import MAX_VOICES, field_problem, notes_problem
from composer.music.meter import MeterMap, normalised
from composer.music.chords import ChordSymbol, chord_at, spelled_in_chord
from composer.music.scales import Key, key_at
from composer.music.score import Note, Score, Voice
from composer.ui.note_store import NoteStore
from composer.ui.undo_commands import EditNotesCommand, SetScoreFieldCommand

# "meters" is the whole meter map (pickup, later changes); "time_signature" its first meter.
_FIELDS = ("tempos", "time_signature", "meters", "voices", "key", "title", "style", "chords")


class ScoreDocument(QObject):
    notes_changed = Signal()
    selection_changed = Signal()
    score_settings_changed = Signal(str)  # the Score field name
    limit_refused = Signal(str)  # an edit past composer.music.limits was not made: why
    loaded = Signal()  # load(): another score replaced everything (a file opened, New, recovery)

    def __init__(self, score: Score | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.store = NoteStore()
        self.selection: set[int] = set()
        self._meta = Score()
        self._meter_map: MeterMap | None = None
        self.load(score or Score())

    # --- whole-document operations (not undoable: they start a new history) ------------------
    def load(self, score: Score) -> None:
        self._meta = score.copy(notes=[])
        self.store = NoteStore(score.sorted_notes())
        self.selection = set()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.notes_changed.emit()
        self.selection_changed.emit()
        for name in _FIELDS:
            self.score_settings_changed.emit(name)
        self.loaded.emit()

    def score(self) -> Score:
        """A snapshot Score of everything (a copy: callers may keep or change it)."""
        return self._meta.copy(notes=sorted(self.store.notes(), key=lambda n: (n.onset, n.pitch, n.voice)))

    def snapshot(self) -> Score:
        """Like score() but with the notes unsorted: a list copy of immutable notes, cheap enough
        for the GUI thread with 100,000 notes (the autosave sorts in its worker)."""
        return self._meta.copy(notes=self.store.notes())

    def field(self, name: str) -> Any:
        return copy.deepcopy(getattr(self._meta, name))

    @property
    def voices(self) -> list[Voice]:
        return self._meta.voices

    @property
    def time_signature(self):
        return self._meta.time_signature

    def meter_map(self) -> MeterMap:
        """The score's meter map (bar lines, pickup, meter changes), for the painters and
        readouts; rebuilt only when the meters change."""
        if self._meter_map is None or self._meter_map.changes != self._meta.meters:
            self._meter_map = MeterMap(self._meta.meters)
        return self._meter_map

    def key_at(self, tick: int) -> Key | None:
        """The written key in force at `tick` (composer.music.scales.key_at over the key map),
        None when the score has no key; the keyboard and note names spell pitches by it."""
        return key_at(self._meta.keys, tick)

    def chord_at(self, tick: int) -> ChordSymbol | None:
        """The written chord symbol sounding at `tick` (the chord lane's), None where none is."""
        return chord_at(self._meta.chords, tick)

    def spelled(self, pitch: int, tick: int) -> str:
        """A pitch's name at `tick` as the music there spells it: a tone of the written chord as
        the chord spells it (E7's G#), else in the written key (composer.music.chords.spelled_in_chord)."""
        return spelled_in_chord(pitch, self.key_at(tick), self.chord_at(tick))

    @property
    def bpm(self) -> float:
        return self._meta.bpm

    # --- primitives used by the undo commands ------------------------------------------------
    def apply_notes(self, remove_ids: Iterable[int], put: dict[int, Note]) -> None:
        self.store.remove(remove_ids)
        self.store.put(put)
        self.notes_changed.emit()

    def set_field(self, name: str, value: Any) -> None:
        if name not in _FIELDS:
            raise ValueError(f"not a score setting: {name}")
        if name == "meters":
            value = normalised(value)  # as Score keeps it (sorted, repeats dropped, pickup first)
        setattr(self._meta, name, copy.deepcopy(value))
        self.score_settings_changed.emit(name)
        if name == "voices":
            self.notes_changed.emit()  # colours may change

    def set_selection(self, ids: Iterable[int]) -> None:
        ids = {i for i in ids if i in self.store}
        if ids != self.selection:
            self.selection = ids
            self.selection_changed.emit()

    # --- undoable edits ----------------------------------------------------------------------
    def selected_notes(self) -> dict[int, Note]:
        return self.store.subset(self.selection)

    def add_notes(self, notes: list[Note], text: str = "Add notes", select: bool = True) -> list[int]:
        """Add notes as one undo step; they become the selection (select False: nothing is)."""
        if not notes:
            return []
        if self._outside_limits(notes_problem(notes, len(self._meta.voices))):
            return []
        ids = self.store.new_ids(len(notes))
        self.undo_stack.push(EditNotesCommand(self, text, {}, dict(zip(ids, notes)), None if select else set()))
        return ids

    def change_notes(self, new: dict[int, Note], text: str) -> bool:
        """Replace notes by id with new values (move, resize, velocity, transpose…)."""
        new = {i: n for i, n in new.items() if i in self.store and self.store[i] != n}
        if not new or self._outside_limits(notes_problem(new.values(), len(self._meta.voices))):
            return False
        before = self.store.subset(new)
        self.undo_stack.push(EditNotesCommand(self, text, before, new, select_after=set(self.selection) or set(new)))
        return True

    def delete_notes(self, ids: Iterable[int], text: str = "Delete notes") -> bool:
        before = self.store.subset(ids)
        if not before:
            return False
        self.undo_stack.push(EditNotesCommand(self, text, before, {}, select_after=set()))
        return True

    def set_score_field(self, name: str, value: Any, text: str, merge: bool = True) -> None:
        if getattr(self._meta, name) == value or self._outside_limits(field_problem(name, value)):
            return
        self.undo_stack.push(SetScoreFieldCommand(self, text, name, value, merge))

    def _outside_limits(self, problem: str | None) -> bool:
        """The editor's door of composer.music.limits: an edit past them is not made (so what
        the window holds always saves and reopens) and limit_refused says why."""
        if problem:
            self.limit_refused.emit(problem)
        return problem is not None

    def set_voice(self, index: int, text: str, **changes) -> None:
        voices = [replace(v) for v in self._meta.voices]
        voices[index] = replace(voices[index], **changes)
        self.set_score_field("voices", voices, text)

    def ensure_voices(self, count: int) -> None:
        """Make sure voice indices up to count-1 exist (a continuation may add a voice)."""
        count = min(count, MAX_VOICES)
        if count > len(self._meta.voices):
            voices = [replace(v) for v in self._meta.voices]
            voices += [Voice(name=f"Voice {i + 1}") for i in range(len(voices), count)]
            self.set_score_field("voices", voices, "Add voices", merge=False)

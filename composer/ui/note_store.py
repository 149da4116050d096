"""The notes being edited, each with a stable id, plus an index by time for fast drawing.

Notes are frozen values, so two identical notes are equal; ids give selection and undo a handle on
one particular note. Qt-free: the undo commands and the painting both use it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Iterator

from composer.music.score import Note

# Notes longer than this are kept off the onset index (they would widen every query) and are
# checked on every query instead; real scores have few of them.
LONG_NOTE_TICKS = 480 * 16


class NoteStore:
    def __init__(self, notes: Iterable[Note] = ()):
        self._notes: dict[int, Note] = {}
        self._next_id = 1
        self._dirty = True
        self._onsets: list[int] = []
        self._order: list[int] = []
        self._long: list[int] = []
        self._max_short = 0
        for note in notes:
            self.add(note)

    # --- contents ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._notes)

    def __contains__(self, note_id: int) -> bool:
        return note_id in self._notes

    def __getitem__(self, note_id: int) -> Note:
        return self._notes[note_id]

    def get(self, note_id: int) -> Note | None:
        return self._notes.get(note_id)

    def items(self) -> Iterator[tuple[int, Note]]:
        return iter(self._notes.items())

    def ids(self) -> list[int]:
        return list(self._notes)

    def notes(self) -> list[Note]:
        return list(self._notes.values())

    def subset(self, ids: Iterable[int]) -> dict[int, Note]:
        return {i: self._notes[i] for i in ids if i in self._notes}

    def new_ids(self, count: int) -> list[int]:
        start = self._next_id
        self._next_id += count
        return list(range(start, start + count))

    def add(self, note: Note) -> int:
        (note_id,) = self.new_ids(1)
        self._notes[note_id] = note
        self._dirty = True
        return note_id

    def put(self, notes: dict[int, Note]) -> None:
        """Insert or replace notes under the given ids (undo/redo restore exact ids)."""
        self._notes.update(notes)
        if notes:
            self._next_id = max(self._next_id, max(notes) + 1)
            self._dirty = True

    def remove(self, ids: Iterable[int]) -> dict[int, Note]:
        removed = {i: self._notes.pop(i) for i in list(ids) if i in self._notes}
        if removed:
            self._dirty = True
        return removed

    def clear(self) -> None:
        self._notes.clear()
        self._dirty = True

    @property
    def end(self) -> int:
        return max((n.end for n in self._notes.values()), default=0)

    # --- the time index ----------------------------------------------------------------------
    def _rebuild(self) -> None:
        short = [(n.onset, i) for i, n in self._notes.items() if n.duration <= LONG_NOTE_TICKS]
        short.sort()
        self._onsets = [onset for onset, _ in short]
        self._order = [i for _, i in short]
        self._long = [i for i, n in self._notes.items() if n.duration > LONG_NOTE_TICKS]
        self._max_short = max((self._notes[i].duration for i in self._order), default=0)
        self._dirty = False

    def in_range(self, start: int, stop: int, low_pitch: int = 0, high_pitch: int = 127) -> list[int]:
        """Ids of notes sounding somewhere in [start, stop) within [low_pitch, high_pitch],
        in onset order (long notes first)."""
        if self._dirty:
            self._rebuild()
        notes = self._notes
        found = [i for i in self._long
                 if notes[i].onset < stop and notes[i].end > start and low_pitch <= notes[i].pitch <= high_pitch]
        lo = bisect_left(self._onsets, start - self._max_short)
        hi = bisect_right(self._onsets, stop - 1)
        for i in self._order[lo:hi]:
            note = notes[i]
            if note.end > start and low_pitch <= note.pitch <= high_pitch:
                found.append(i)
        return found

    def at(self, tick: int, pitch: int) -> int | None:
        """The id of the note covering (tick, pitch); the latest-starting one when they overlap,
        which is the one drawn on top."""
        hits = self.in_range(tick, tick + 1, pitch, pitch)
        return hits[-1] if hits else None

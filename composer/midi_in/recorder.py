"""Turns effective note-on/off events (after the sustain pedal) into Notes on a take's clock."""

from __future__ import annotations

from dataclasses import dataclass

from composer.midi_in.clock import TakeClock
from composer.music.score import Note


@dataclass(frozen=True, slots=True)
class _Held:
    velocity: int
    time: float


class Recorder:
    def __init__(self, clock: TakeClock, voice: int = 0):
        self.clock = clock
        self.voice = voice
        self.finished: list[Note] = []
        self._held: dict[int, _Held] = {}

    def note_on(self, pitch: int, velocity: int, time: float) -> None:
        if pitch in self._held:  # a second note-on without an off: the first one ends here
            self.note_off(pitch, time)
        self._held[pitch] = _Held(velocity, time)

    def note_off(self, pitch: int, time: float) -> Note | None:
        held = self._held.pop(pitch, None)
        if held is None:
            return None  # pressed before the take began
        note = self._note(pitch, held, time)
        self.finished.append(note)
        return note

    def release_all(self, time: float) -> None:
        """End every held note at `time` (stop, or the device went away mid-take)."""
        for pitch in list(self._held):
            self.note_off(pitch, time)

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def notes(self, now: float | None = None) -> list[Note]:
        """Finished notes, plus (with `now`) the held ones as long as they have lasted so far."""
        out = list(self.finished)
        if now is not None:
            out += [self._note(p, h, now) for p, h in self._held.items()]
        return sorted(out, key=lambda n: (n.onset, n.pitch))

    def _note(self, pitch: int, held: _Held, end: float) -> Note:
        onset = self.clock.tick(held.time)
        return Note(pitch, onset, max(1, self.clock.tick(end) - onset), held.velocity, self.voice)

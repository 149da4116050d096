"""The sustain pedal (CC64): a released key keeps sounding while the pedal is down.

Applied once, before thru and recording, so what is heard and what is recorded agree: the
recorded note lasts until the pedal lifts (or the key is struck again), as a pianist means it.
"""

from __future__ import annotations


class SustainPedal:
    def __init__(self) -> None:
        self.down = False
        self._keys_down: set[int] = set()
        self._sustained: set[int] = set()  # released keys the pedal still holds

    def key_down(self, pitch: int) -> bool:
        """A key is struck; True when the same pitch was still ringing under the pedal and must
        end first (a re-struck note is a new note)."""
        self._keys_down.add(pitch)
        if pitch in self._sustained:
            self._sustained.discard(pitch)
            return True
        return False

    def key_up(self, pitch: int) -> bool:
        """A key is released; True when the note ends now (False: the pedal holds it)."""
        self._keys_down.discard(pitch)
        if self.down:
            self._sustained.add(pitch)
            return False
        return True

    def pedal(self, value: int) -> list[int]:
        """The pedal moved; returns the pitches that end now (pedal lifted)."""
        down = value >= 64
        if down == self.down:
            return []
        self.down = down
        if down:
            return []
        released, self._sustained = sorted(self._sustained), set()
        return released

    def sounding(self) -> bool:
        """Any note still sounding (held by a finger or by the pedal)?"""
        return bool(self._keys_down or self._sustained)

    def release_all(self) -> list[int]:
        """Everything ends (device gone): the pitches that were still sounding."""
        out = sorted(self._keys_down | self._sustained)
        self._keys_down, self._sustained, self.down = set(), set(), False
        return out

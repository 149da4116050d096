"""Plays the co-writer's answer on the synth at given wall-clock times, and stops it at once.

Why a thread and not the synth's sequencer: the answer arrives in pieces while it plays (it is
still being generated), it must stop mid-note the moment the player cuts in, and the sequencer's
pending events belong to the transport, which may be playing the metronome (clearing them would
silence it). Live playback only needs ~1 ms accuracy, which Event.wait gives; bench/call_response.py
measures it. Offline rendering never goes through here.
"""

from __future__ import annotations

import heapq
import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from composer.music.score import Note


class LiveSynth(Protocol):
    def note_on(self, voice: int, pitch: int, velocity: int = 100) -> bool: ...
    def note_off(self, voice: int, pitch: int) -> None: ...


@dataclass(frozen=True, slots=True)
class TimedNote:
    note: Note  # in score ticks (what the score keeps)
    start: float  # perf_counter seconds
    end: float


class AnswerPlayer:
    def __init__(self, synth: LiveSynth | None, on_sound: Callable[[int, bool, float], None] = lambda *_: None):
        """`on_sound(pitch, on, time)` is told each note-on/off as it is sent (keyboard lights,
        first-note timing)."""
        self._synth = synth
        self._on_sound = on_sound
        self._cond = threading.Condition()
        self._events: list[tuple[float, int, int, TimedNote]] = []  # (time, order, on=1/off=0, note)
        self._order = 0
        self._sounding: dict[int, TimedNote] = {}
        self.started: list[TimedNote] = []  # notes whose onset was played
        self._stopped = False
        self._finished_adding = False
        self._thread = threading.Thread(target=self._run, name="composer-answer", daemon=True)
        self._thread.start()

    def add(self, notes: list[TimedNote], last: bool = False) -> None:
        with self._cond:
            if self._stopped:
                return
            for timed in notes:
                self._order += 1
                heapq.heappush(self._events, (timed.start, self._order, 1, timed))
                heapq.heappush(self._events, (timed.end, self._order, 0, timed))
            self._finished_adding = self._finished_adding or last
            self._cond.notify()

    def finish(self) -> None:
        """No more notes will come: the player ends after the last note-off."""
        self.add([], last=True)

    @property
    def done(self) -> bool:
        with self._cond:
            return self._stopped or (self._finished_adding and not self._events)

    def stop(self, at: float) -> list[Note]:
        """Cut: silence now; returns the notes that were heard, those still sounding cut at `at`."""
        with self._cond:
            self._stopped = True
            self._events.clear()
            sounding = list(self._sounding.values())
            self._sounding.clear()
            self._cond.notify()
        for timed in sounding:
            self._send(timed.note, False, at)
        return self.heard(at)

    def heard(self, cut: float | None = None) -> list[Note]:
        out = []
        for timed in self.started:
            note = timed.note
            if cut is not None and timed.end > cut:
                ratio = max(0.0, (cut - timed.start) / max(1e-9, timed.end - timed.start))
                note = note.with_(duration=max(1, round(note.duration * ratio)))
            out.append(note)
        return out

    def _send(self, note: Note, on: bool, when: float) -> None:
        if self._synth is not None:
            if on:
                self._synth.note_on(note.voice, note.pitch, note.velocity)
            else:
                self._synth.note_off(note.voice, note.pitch)
        self._on_sound(note.pitch, on, when)

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopped or (self._finished_adding and not self._events):
                        return
                    if self._events:
                        wait = self._events[0][0] - time.perf_counter()
                        if wait <= 0:
                            when, _, on, timed = heapq.heappop(self._events)
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if on:
                    previous = self._sounding.get(timed.note.pitch)
                    self._sounding[timed.note.pitch] = timed
                    self.started.append(timed)
                elif self._sounding.get(timed.note.pitch) is timed:
                    del self._sounding[timed.note.pitch]
                else:
                    continue  # a later note of the same pitch took over; its off comes later
            if on and previous is not None:
                self._send(previous.note, False, time.perf_counter())  # repeated pitch: re-strike
            self._send(timed.note, bool(on), time.perf_counter())

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

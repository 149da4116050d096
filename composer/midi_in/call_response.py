"""Call and response (after Google's AI Duet): the player plays a phrase, pauses, and the
co-writer answers by continuing that phrase; playing again cuts the answer off.

A pause is a set silence after the last note ends (default 600 ms), or in tempo mode the next
bar line. The answer is generated in two pieces so it starts quickly: the first few notes, which
start sounding at once, then the rest while those play (the rest continues the phrase *and* the
first notes, so it is one line). Everything heard - calls and answers - is kept as Exchanges,
so the whole duet can go into the score afterwards.

Methods other than stop() run on the MIDI dispatcher thread; the service serialises them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from composer.midi_in.answer_player import AnswerPlayer, LiveSynth, TimedNote
from composer.midi_in.clock import TakeClock
from composer.midi_in.recorder import Recorder
from composer.music.region import Controls
from composer.music.score import Note

log = logging.getLogger(__name__)

ANSWER_POLL_SECONDS = 0.05  # how often a playing answer is checked for its end


@dataclass
class CallResponseSettings:
    silence_ms: int = 600
    tempo_mode: bool = False  # pause = the next bar line instead of a silence
    length: int = 24  # notes in an answer
    first_notes: int = 4  # generated first, so the answer starts at once
    style: str | None = None
    temperature: float = 1.0
    top_p: float = 0.95
    key: Any = None  # a composer.music.Key, "auto" or None
    seed: int | None = None
    # The co-writer panel's controls (range, density, polyphony, grid, chord strength), as for
    # Continue: a duet answer honours them too. None = the model decides (as Controls()).
    controls: Controls | None = None


@dataclass
class Exchange:
    call: list[Note]
    answer: list[Note] = field(default_factory=list)  # as heard (cut short when cut off)
    cut: bool = False
    detected_at: float = 0.0  # perf_counter when the pause was noticed
    first_note_at: float | None = None  # when the first answer note was sent to the synth
    error: str | None = None


class _Answer:
    def __init__(self, exchange: Exchange, player: AnswerPlayer):
        self.exchange = exchange
        self.player = player
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None


class CallResponse:
    def __init__(self, continuer, clock: TakeClock, synth: LiveSynth | None,
                 settings: CallResponseSettings, voice: int = 0,
                 on_sound: Callable[[int, bool], None] = lambda *_: None,
                 on_exchange: Callable[[Exchange], None] = lambda _e: None):
        self.continuer = continuer
        self.clock = clock
        self.synth = synth
        self.settings = settings
        self.voice = voice
        self.recorder = Recorder(clock, voice)
        self.exchanges: list[Exchange] = []
        self._on_sound = on_sound
        self._on_exchange = on_exchange
        self._phrase_start = 0
        self._last_off: float | None = None
        self._answer: _Answer | None = None
        self._sounding = False

    # -- the player (dispatcher thread) ---------------------------------------------------
    def note_on(self, pitch: int, velocity: int, when: float) -> None:
        if self._answer is not None:
            self._close_answer(cut_at=when)  # the player cuts in: the answer stops now
        self.recorder.note_on(pitch, velocity, when)
        self._sounding = True

    def note_off(self, pitch: int, when: float, still_sounding: bool) -> None:
        self.recorder.note_off(pitch, when)
        self._sounding = still_sounding
        if not still_sounding:
            self._last_off = when

    def release_all(self, when: float) -> None:
        self.recorder.release_all(when)
        self._sounding = False
        self._last_off = when

    # -- pauses and answers ---------------------------------------------------------------
    def pause_deadline(self) -> float | None:
        """When the current silence becomes a pause (None: no phrase waiting for an answer)."""
        if self._answer is not None or self._sounding or self._last_off is None:
            return None
        if len(self.recorder.finished) <= self._phrase_start:
            return None
        if self.settings.tempo_mode:
            return self.clock.time(self.clock.next_bar_line(self._last_off))
        return self._last_off + self.settings.silence_ms / 1000.0

    def wake(self, now: float) -> float | None:
        """Called after each event and at each deadline; returns the next deadline."""
        if self._answer is not None:
            if self._answer.player.done and not self._answer.thread.is_alive():
                self._close_answer(cut_at=None)
            else:
                return now + ANSWER_POLL_SECONDS
        deadline = self.pause_deadline()
        if deadline is None:
            return None
        if now >= deadline:
            self._answer_phrase(deadline, now)
            return now + ANSWER_POLL_SECONDS
        return deadline

    def _answer_phrase(self, pause_at: float, now: float) -> None:
        phrase = self.recorder.finished[self._phrase_start:]
        self._phrase_start = len(self.recorder.finished)
        exchange = Exchange(call=sorted(phrase, key=lambda n: (n.onset, n.pitch)), detected_at=now)

        def sounded(pitch: int, on: bool, when: float) -> None:
            if on and exchange.first_note_at is None:
                exchange.first_note_at = when
            self._on_sound(pitch, on)

        answer = _Answer(exchange, AnswerPlayer(self.synth, sounded))
        anchor = pause_at if self.settings.tempo_mode else None  # tempo mode: on the bar line
        answer.thread = threading.Thread(target=self._generate, args=(answer, anchor),
                                         name="composer-answer-gen", daemon=True)
        self._answer = answer
        answer.thread.start()

    def _generate(self, answer: _Answer, anchor: float | None) -> None:
        s = self.settings
        seed = self.clock.tempo.copy(notes=answer.exchange.call)
        options = dict(style=s.style, temperature=s.temperature, top_p=s.top_p, key=s.key,
                       voice=self.voice, controls=s.controls, cancel=answer.cancel.is_set)
        try:
            first_count = max(1, min(s.first_notes, s.length))
            (first,) = self.continuer.continue_score(seed, length=first_count, seed=s.seed, **options)
            new = [n for n in first.notes if n.generated]
            start = anchor if anchor is not None else time.perf_counter()
            shift = self.clock.tick(start) - new[0].onset
            answer.player.add(self._timed(new, shift), last=first_count >= s.length)
            if first_count < s.length:
                (whole,) = self.continuer.continue_score(
                    first, length=s.length - first_count,
                    seed=None if s.seed is None else s.seed + 1, **options)
                answer.player.add(self._timed(whole.notes[len(first.notes):], shift), last=True)
        except Exception as error:  # a broken model must not take MIDI input down
            if type(error).__name__ == "Cancelled":  # the player cut in (composer.generate's, or the
                answer.player.finish()  # model process's: matched by name, so no torch import here)
                return
            log.exception("call and response: the answer failed")
            answer.exchange.error = str(error)
            answer.player.finish()

    def _timed(self, notes: list[Note], shift: int) -> list[TimedNote]:
        out = []
        for note in notes:
            moved = note.with_(onset=max(0, note.onset + shift))
            out.append(TimedNote(moved, self.clock.time(moved.onset), self.clock.time(moved.end)))
        return out

    def _close_answer(self, cut_at: float | None) -> None:
        answer, self._answer = self._answer, None
        answer.cancel.set()
        if cut_at is not None:
            answer.exchange.answer = answer.player.stop(cut_at)
            answer.exchange.cut = True
        else:
            answer.exchange.answer = answer.player.heard()
        self.exchanges.append(answer.exchange)
        self._on_exchange(answer.exchange)

    # -- the end (any thread, under the service's lock) -----------------------------------
    def stop(self, now: float) -> list[Exchange]:
        """End the session: a playing answer stops, a phrase not yet answered is kept."""
        if self._answer is not None:
            self._close_answer(cut_at=now)
        self.recorder.release_all(now)
        rest = self.recorder.finished[self._phrase_start:]
        if rest:
            self.exchanges.append(Exchange(call=rest, detected_at=now))
            self._phrase_start = len(self.recorder.finished)
        return list(self.exchanges)

    def notes(self, now: float | None = None) -> list[Note]:
        """Everything so far (calls as played, answers as heard), for the live view."""
        out = self.recorder.notes(now)
        for exchange in self.exchanges:
            out += exchange.answer
        if self._answer is not None:
            out += self._answer.player.heard(now)
        return sorted(out, key=lambda n: (n.onset, n.pitch))

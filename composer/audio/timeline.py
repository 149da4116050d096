"""A score turned into what the scheduler sends: notes and sustain pedals on channels, beats, and
the tempo map.

Pure (no FluidSynth). Ticks are score ticks (TICKS_PER_QUARTER per quarter note); times are
seconds of playback, after the transport's tempo factor.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from composer.audio.voicing import channel_plan
from composer.music.score import Score

MIN_TEMPO_FACTOR, MAX_TEMPO_FACTOR = 0.1, 10.0


@dataclass(frozen=True, slots=True)
class PlayNote:
    onset: int
    end: int
    channel: int
    pitch: int
    velocity: int


@dataclass(frozen=True, slots=True)
class PlayPedal:
    """The sustain pedal (CC64) down on `channel` from `onset` to `end` (score ticks)."""

    onset: int
    end: int
    channel: int


class NoteTimeline:
    """The score's notes and sustain pedals sorted by onset, ready for windowed look-ups. The end
    is the last note's end or pedal lift, whichever is later (notes ring until the lift)."""

    def __init__(self, score: Score):
        channels = channel_plan(score.voices)
        notes = [
            PlayNote(n.onset, n.end, channels[n.voice] if n.voice < len(channels) else channels[0],
                     n.pitch, n.velocity)
            for n in score.notes
        ]
        self.notes = _untangle_repeats(notes)
        self.onsets = [n.onset for n in self.notes]
        self.pedals = _channel_pedals(score, channels)
        self.pedal_onsets = [p.onset for p in self.pedals]
        self.end = max(max((n.end for n in self.notes), default=0),
                       max((p.end for p in self.pedals), default=0) if self.notes else 0)

    def starting_in(self, start: int, stop: int) -> list[PlayNote]:
        """Notes whose onset lies in [start, stop)."""
        return self.notes[bisect.bisect_left(self.onsets, start):bisect.bisect_left(self.onsets, stop)]

    def sounding_at(self, tick: int) -> list[PlayNote]:
        """Notes that began before `tick` and still sound at it."""
        return [n for n in self.notes[:bisect.bisect_left(self.onsets, tick)] if n.end > tick]

    def pedals_starting_in(self, start: int, stop: int) -> list[PlayPedal]:
        """Pedal presses whose onset lies in [start, stop)."""
        return self.pedals[bisect.bisect_left(self.pedal_onsets, start):bisect.bisect_left(self.pedal_onsets, stop)]

    def pedals_down_at(self, tick: int) -> list[PlayPedal]:
        """Pedals pressed before `tick` and still down at it (to press again when playback starts
        or loops there)."""
        return [p for p in self.pedals[:bisect.bisect_left(self.pedal_onsets, tick)] if p.end > tick]


def _channel_pedals(score: Score, channels: list[int]) -> list[PlayPedal]:
    """The score's pedal spans on their voices' channels, by onset; voices sharing a channel
    (past 62 voices) share one pedal, so their overlapping spans are made one."""
    by_channel: dict[int, list[tuple[int, int]]] = {}
    for pedal in getattr(score, "pedals", ()):
        channel = channels[pedal.voice] if pedal.voice < len(channels) else channels[0]
        by_channel.setdefault(channel, []).append((pedal.onset, pedal.end))
    out: list[PlayPedal] = []
    for channel, spans in by_channel.items():
        united: list[list[int]] = []
        for onset, end in sorted(spans):
            if united and onset < united[-1][1]:
                united[-1][1] = max(united[-1][1], end)
            else:
                united.append([onset, end])
        out += [PlayPedal(onset, end, channel) for onset, end in united]
    return sorted(out, key=lambda p: (p.onset, p.channel))


def _untangle_repeats(notes: list[PlayNote]) -> list[PlayNote]:
    """Sort, and end a note where the same key on the same channel strikes again.

    A synth key has one state: a note-off meant for the first of two overlapping notes would
    otherwise silence the second.
    """
    notes = sorted(notes, key=lambda n: (n.onset, n.channel, n.pitch, -n.end))
    last: dict[tuple[int, int], int] = {}
    out: list[PlayNote] = []
    for note in notes:
        key = (note.channel, note.pitch)
        previous = last.get(key)
        if previous is not None and out[previous].end > note.onset:
            if out[previous].onset == note.onset:  # a doubled note: keep the first only
                continue
            p = out[previous]
            out[previous] = PlayNote(p.onset, note.onset, p.channel, p.pitch, p.velocity)
        last[key] = len(out)
        out.append(note)
    return out


def beats_in(score: Score, start: int, stop: int) -> list[tuple[int, bool]]:
    """Metronome beats (tick, is the first beat of a bar) in [start, stop), by the score's meter
    map: after a 4/4 -> 3/4 change the accent falls every third beat, after a pickup on bar 1."""
    return score.meter_map().beats(start, stop)


class TempoMap:
    """Score ticks <-> playback seconds under the score's tempo changes and a tempo factor."""

    def __init__(self, score: Score, factor: float = 1.0):
        if not MIN_TEMPO_FACTOR <= factor <= MAX_TEMPO_FACTOR:
            raise ValueError(f"tempo factor {factor} is outside {MIN_TEMPO_FACTOR}-{MAX_TEMPO_FACTOR}")
        self.score = score
        self.factor = factor

    def seconds(self, tick: int) -> float:
        return self.score.seconds_at(tick) / self.factor

    def tick(self, seconds: float) -> int:
        return self.score.tick_at(max(0.0, seconds) * self.factor)

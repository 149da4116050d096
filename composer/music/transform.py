"""Pure edits on notes and scores: quantise, transpose, melody extraction."""

from __future__ import annotations

from typing import Iterable

from composer.music.meter import MeterMap
from composer.music.score import TICKS_PER_QUARTER, Note, Score

LOWEST_PITCH, HIGHEST_PITCH = 21, 108  # the 88-key piano: the playable range for augmentation


def grid_ticks(division: int, triplet: bool = False) -> int:
    """Ticks of one grid step: division 4 = quarter, 16 = sixteenth; triplet = 2/3 of it."""
    if division <= 0:
        raise ValueError("grid division must be positive")
    ticks = TICKS_PER_QUARTER * 4 / division
    if triplet:
        ticks = ticks * 2 / 3
    if ticks < 1 or ticks != int(ticks):
        raise ValueError(f"1/{division}{' triplet' if triplet else ''} does not fit the tick grid")
    return int(ticks)


def _nearest(tick: int, grid: int) -> int:
    """The nearest grid line; a tick half way goes later, the same way in every bar (Python's
    round() sends halves to even multiples, so 60 -> 0 but 180 -> 240 on a 120 grid)."""
    return (tick + grid // 2) // grid * grid


def quantise(notes: Iterable[Note], grid: int, *, ends: bool = True, strength: float = 1.0,
             meters: MeterMap | None = None) -> list[Note]:
    """Move onsets (and, with `ends`, note ends) toward the nearest multiple of `grid` ticks, or
    with a meter map the nearest point of the grid counted from each bar line (MeterMap.snap: after
    an eighth-note pickup, or a 5/8 bar, a triplet grid from tick 0 is off the beats).

    strength 1.0 snaps fully; 0.5 moves half way. A note never shrinks below one grid step
    when its end is quantised, so short grace notes survive instead of vanishing."""
    if grid < 1:
        raise ValueError("grid must be at least one tick")
    nearest = (lambda t: meters.snap(t, grid)) if meters is not None else (lambda t: _nearest(t, grid))
    out = []
    for note in notes:
        onset = note.onset + round((nearest(note.onset) - note.onset) * strength)
        end = note.end
        if ends:
            end = end + round((nearest(end) - end) * strength)
            end = max(end, onset + (grid if strength >= 1.0 else 1))
        else:
            end = onset + note.duration
        out.append(note.with_(onset=max(0, onset), duration=max(1, end - max(0, onset))))
    return out


def transpose(notes: Iterable[Note], semitones: int) -> list[Note]:
    """Shift pitches; raises ValueError if any note would leave the MIDI range."""
    out = []
    for note in notes:
        pitch = note.pitch + semitones
        if not 0 <= pitch <= 127:
            raise ValueError(f"transposing {note.pitch} by {semitones} leaves the MIDI range")
        out.append(note.with_(pitch=pitch))
    return out


def transpose_range(notes: Iterable[Note], low: int = LOWEST_PITCH, high: int = HIGHEST_PITCH) -> tuple[int, int]:
    """The (down, up) semitone shifts that keep every note within [low, high]."""
    pitches = [n.pitch for n in notes]
    if not pitches:
        return 0, 0
    return low - min(pitches), high - max(pitches)


def melody(score: Score) -> list[Note]:
    """The highest sounding note at each onset, from non-drum voices (skyline algorithm).

    A note is dropped if a higher note is already sounding at its onset; a held low note that
    outlasts a higher one is not resumed (melodies are what the ear follows at attacks)."""
    drum_voices = {i for i, v in enumerate(score.voices) if v.is_drum}
    by_onset: dict[int, Note] = {}
    for note in score.notes:
        if note.voice in drum_voices:
            continue
        best = by_onset.get(note.onset)
        if best is None or note.pitch > best.pitch:
            by_onset[note.onset] = note
    line: list[Note] = []
    for onset in sorted(by_onset):
        note = by_onset[onset]
        if line and line[-1].end > onset:
            if line[-1].pitch > note.pitch:
                continue  # a higher note is still sounding
            line[-1] = line[-1].with_(duration=onset - line[-1].onset)
        line.append(note)
    return line

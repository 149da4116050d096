"""Strummed and rolled chords: told apart from broken chords, read as the chords they are, and
played back the way the part strums.

A guitar strum (or a rolled piano chord, or a chord played from a keyboard a little unevenly)
sounds its strings a few milliseconds apart: 5-30 ms a string, 8 ticks at 480 a quarter in most
guitar MIDI. At the co-writer's grid (40 ticks) a six-string strum falls on two grid steps, so a
part of strummed chords was read as broken chords and continued as three-note arpeggios
(QA qa19 M5). A strum is a cluster of one voice's notes, each starting at most STRUM_GAP ticks
after the one before, within STRUM_SPAN of the first, with all of them still sounding when the
last starts (a fast run lets each note go before the next; an ornament is over before its note).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Iterable, Sequence

from composer.music.meter import TICKS_PER_QUARTER, MeterMap
from composer.music.score import Note

STRUM_GAP = TICKS_PER_QUARTER // 16  # 30 ticks: about 30 ms a string at 120 bpm
STRUM_SPAN = TICKS_PER_QUARTER // 3  # 160 ticks: six strings 30 ticks apart, the slowest roll still one chord
STRUM_MIN_NOTES = 3
# Notes this far apart or more sound in an order (a strum's, by pitch); closer, they are one chord
# played a little unevenly, in no order, and a part whose strums are no wider apart (median) is not
# strummed when written: a keyboard's block chords played a few ticks apart had been written as
# rolls from the top down, 3 ticks a note (QA qa23).
ORDER_GAP = 6
# A part strums where this share of its chords (STRUM_MIN_NOTES notes or more at one onset, once
# read) were strummed; its written chords are then strummed as its own are.
STRUMMED_SHARE = 0.5


@dataclass(frozen=True)
class StrumStyle:
    """How a part strums: gap, the median ticks between strings; down_on_beat / down_off_beat,
    whether its strums on a beat / between beats mostly sound the lowest string first (a
    downstroke) rather than the highest; up_gap, the median gap of its upstrokes where it has
    both (a player's upstrokes are often quicker; None: gap for both)."""

    gap: int
    down_on_beat: bool = True
    down_off_beat: bool = True
    up_gap: int | None = None


def _clusters(notes: Sequence[Note]) -> list[list[Note]]:
    """One voice's notes (sorted by onset, then pitch) grouped into strums and lone notes/chords."""
    return [[notes[i] for i in group] for group in _cluster_indices(notes)]


def _cluster_indices(notes: Sequence[Note]) -> list[list[int]]:
    """_clusters as indices into notes. A strum sounds its strings in pitch order: where its notes
    are ORDER_GAP ticks or more apart, a note that turns back, or sounds a string again, is no
    note of it, and a note that goes on in a strum's order belongs to that strum before one
    begun since (two strums of a fast pattern, the second begun while the first still rang, had
    been read as one chord of 11 notes, or the first's last string as the second's)."""
    groups: list[list[int]] = []
    directions: list[int] = []  # per group: +1 rising, -1 falling, 0 no order (yet, or none: unordered)
    ordered: list[int] = []  # per group: its spread steps in that direction; -1: unordered
    for i, note in enumerate(notes):
        chosen = None
        for k in range(len(groups) - 1, max(-1, len(groups) - 3), -1):  # the last two groups
            group, direction = groups[k], directions[k]
            last = notes[group[-1]]
            gap, step = note.onset - last.onset, note.pitch - last.pitch
            spread = gap >= ORDER_GAP
            # (a strum's order is its once two spread steps keep it: a chord played unevenly, its
            # notes up to 30 ticks apart in any order, had been split where its third note turned
            # back, and a played left hand read as broken chords; QA qa25)
            if (gap <= STRUM_GAP and note.onset - notes[group[0]].onset <= STRUM_SPAN
                    and all(notes[j].end > note.onset for j in group)
                    and all(notes[j].pitch != note.pitch for j in group)
                    and not (spread and ordered[k] >= 2 and step * direction < 0)):
                if chosen is None or (ordered[k] >= 2 and ordered[chosen] < 2):
                    chosen = k  # (the latest, unless an earlier strum goes on in its order)
        if chosen is None:
            groups.append([i])
            directions.append(0)
            ordered.append(0)
            continue
        last = notes[groups[chosen][-1]]
        if note.onset - last.onset >= ORDER_GAP and ordered[chosen] >= 0:
            sign = (note.pitch > last.pitch) - (note.pitch < last.pitch)
            if not directions[chosen]:
                directions[chosen], ordered[chosen] = sign, 1
            elif sign == directions[chosen]:
                ordered[chosen] += 1
            else:  # turned back before its order was kept: no strum's order
                directions[chosen], ordered[chosen] = 0, -1
        groups[chosen].append(i)
    return groups


def _voice_clusters(notes: Sequence[Note]) -> list[list[int]]:
    """Every voice's clusters (_clusters), as indices into notes (in any order)."""
    by_voice: dict[int, list[int]] = {}
    for i, note in enumerate(notes):
        by_voice.setdefault(note.voice, []).append(i)
    groups = []
    for items in by_voice.values():
        items.sort(key=lambda i: (notes[i].onset, notes[i].pitch))
        groups += [[items[k] for k in group] for group in _cluster_indices([notes[i] for i in items])]
    return groups


def _is_strum(group: Sequence[Note]) -> bool:
    return len(group) >= STRUM_MIN_NOTES and group[-1].onset > group[0].onset


def destrummed(notes: Iterable[Note]) -> tuple[list[Note], int]:
    """The notes with every strum read as the chord it is: each of its notes starts with its first
    and ends where it ended. Returns (notes in the input's order, how many notes moved). Drums
    are the caller's to leave out (a flam is two hits)."""
    notes = list(notes)
    moved: dict[int, Note] = {}
    for group in _voice_clusters(notes):
        if not _is_strum([notes[i] for i in group]):
            continue
        start = notes[group[0]].onset
        for i in group[1:]:
            if notes[i].onset != start:
                moved[i] = notes[i].with_(onset=start, duration=notes[i].end - start)
    return [moved.get(i, note) for i, note in enumerate(notes)], len(moved)


def chord_onsets(notes: Sequence[Note]) -> list[float]:
    """Per note (in the input's order), the onset of the chord it was played in, in ticks: a strum,
    roll or unevenly played chord (a cluster of two or more of one voice's notes, as for
    `destrummed`) counts at its median onset, so it sits in the bar most of it falls in; any
    other note at its own onset."""
    notes = list(notes)
    placed: list[float] = [n.onset for n in notes]
    for group in _voice_clusters(notes):
        if len(group) > 1 and notes[group[-1]].onset > notes[group[0]].onset:
            middle = median(notes[i].onset for i in group)
            for i in group:
                placed[i] = middle
    return placed


def strum_styles(notes: Iterable[Note], meters: MeterMap) -> dict[int, StrumStyle]:
    """Per voice whose chords are strummed (STRUMMED_SHARE of them), how it strums."""
    by_voice: dict[int, list[Note]] = {}
    for note in notes:
        by_voice.setdefault(note.voice, []).append(note)
    styles = {}
    for voice, items in by_voice.items():
        items.sort(key=lambda n: (n.onset, n.pitch))
        chords = [g for g in _clusters(items) if len({n.pitch for n in g}) >= STRUM_MIN_NOTES]
        strums = [g for g in chords if _is_strum(g)]
        if not strums or len(strums) < STRUMMED_SHARE * len(chords):
            continue
        gaps = [b.onset - a.onset for g in strums for a, b in zip(g, g[1:]) if b.onset > a.onset]
        if median(gaps) < ORDER_GAP:
            continue
        down = {True: Counter(), False: Counter()}
        by_stroke: dict[bool, list[int]] = {True: [], False: []}  # gaps of down- and upstrokes
        for g in strums:
            first = min(g, key=lambda n: (n.onset, n.pitch))
            stroke = first.pitch == min(n.pitch for n in g)
            down[_on_beat(g[0].onset, meters)][stroke] += 1
            by_stroke[stroke] += [b.onset - a.onset for a, b in zip(g, g[1:]) if b.onset > a.onset]
        overall = down[True] + down[False]
        majority = overall[True] >= overall[False]

        def mostly(counts: Counter) -> bool:
            return majority if counts[True] == counts[False] else counts[True] > counts[False]

        both = by_stroke[True] and by_stroke[False]
        styles[voice] = StrumStyle(max(1, round(median(by_stroke[True] if both else gaps))), mostly(down[True]),
                                   mostly(down[False]), max(1, round(median(by_stroke[False]))) if both else None)
    return styles


def _on_beat(tick: int, meters: MeterMap) -> bool:
    """Whether a strum at `tick` is on a beat: its nearest half beat is a whole one. A played
    part's strums are never exactly on the beat: read as all between beats, a part strumming
    down on the beats and up between them had its chords written all as downstrokes (QA qa24)."""
    since, _ = meters.position_in_bar([tick])
    return round(2 * int(since[0]) / meters.at(tick).beat_ticks) % 2 == 0


def strummed(notes: Iterable[Note], styles: dict[int, StrumStyle], meters: MeterMap,
             end: int | None = None) -> list[Note]:
    """The notes with each chord (STRUM_MIN_NOTES notes or more of a voice at one onset) of a voice
    in `styles` strummed its way: string by string `gap` ticks apart, from the lowest on a
    downstroke, each note still ending where it did, and starting before `end` (ticks; a region's
    end: a chord written just before it is strummed faster). Other notes are unchanged; order is
    kept."""
    notes = list(notes)
    chords: dict[tuple[int, int], list[int]] = {}
    for i, note in enumerate(notes):
        if note.voice in styles:
            chords.setdefault((note.voice, note.onset), []).append(i)
    out = list(notes)
    for (voice, onset), members in chords.items():
        if len(members) < STRUM_MIN_NOTES:
            continue
        style = styles[voice]
        down = style.down_on_beat if _on_beat(onset, meters) else style.down_off_beat
        order = sorted(members, key=lambda i: notes[i].pitch, reverse=not down)
        gap = style.gap if down or style.up_gap is None else style.up_gap
        gap = gap if end is None else min(gap, max(0, end - 1 - onset) // (len(order) - 1))
        for string, i in enumerate(order):
            note = notes[i]
            shift = min(string * gap, STRUM_SPAN, note.duration - 1)
            out[i] = note.with_(onset=note.onset + shift, duration=note.duration - shift)
    return out

"""Dynamics of written notes: each new note takes its velocity from the music around it.

The shipped model's velocity head learnt almost nothing: its corpus is mostly lead sheets and
folk tunes without dynamics, so it writes every note at one velocity (75), and a pianissimo seed
was continued mezzo-forte, a fill's kick drum came out softer than the hi-hat. A performer's
dynamics are a property of the passage, not of the notes chosen, so they are read off the
context, voice by voice:

- level: the median velocity of the voice's notes in the bars just before the region and, when
  the region is bounded, just after it; across a fill the level moves in a straight line from one to the
  other (a crescendo into a louder passage);
- accent: how much louder or softer than the rest of its bar the voice plays at each position in
  the bar (the context's metric accents, ghost notes, off-beat hi-hats), shrunk toward 0 where the
  context gives few notes at that position;
- a drum voice is read per drum (key), as a kit's kick, snare and hi-hat have their own levels.

A voice with no notes of its own (a part being added) takes the level of the other voices of its
kind around each of its notes (in its bar, else the LEVEL_NOTES nearest in time); with no
context at all, the model's own velocities stay. An added harmony (comping) part sits under the
tune, as an accompanist plays: in a bar where other accompanying parts (bass, harmony) play, at
their level; elsewhere at the tune's level times COMPING_SHARE, one dynamic marking softer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterable, Sequence

import numpy as np

from composer.model.encoding import bar_positions
from composer.music.score import Note

LEVEL_BARS = 2  # the bars on each side of the region whose notes' median sets a voice's level ...
LEVEL_NOTES = 8  # ... or, where those hold fewer than 2 notes, this many nearest notes'
ACCENT_PRIOR = 1.0  # pseudo-note at the bar's median: a position's accent from n notes is shrunk by n / (n + 1)
GRID = 60  # ticks: positions in the bar are compared on a 32nd-note grid (480 ticks a quarter)
TICKS_PER_QUARTER = 480
# An added comping part under a tune with no other accompaniment: the tune's level times this. Under
# the General MIDI / DLS velocity curve (gain 40 log10(v / 127) dB), which FluidSynth's default
# velocity modulator follows, a velocity ratio is one loudness step wherever it applies:
# 0.8 = -3.9 dB, one dynamic marking (mf 80 -> mp 64 on the common 16-a-step scale). At the tune's
# own level (as before) the chords were as loud as the melody they accompany (QA).
COMPING_SHARE = 0.8
ACCOMPANYING_ROLES = ("bass", "harmony")


def follow_dynamics(written: Sequence[Note], context: Iterable[Note], *, start: int, end: int | None,
                    meters: np.ndarray | None, drum_voices: Iterable[int] = (),
                    replaced: Iterable[Note] = (), roles: Sequence[str] | None = None) -> list[Note]:
    """`written` (the new notes of a region [start, end) in score ticks; end None: open) with
    velocities from the dynamics of `context` (the score's other notes), as the module says.
    meters: the score's meter map (rows tick, numerator, denominator; None = 4/4); drum_voices:
    the voices read per drum key; replaced: the notes the region held before (a fill over written
    bars): a voice that had notes there keeps their level bar by bar, with its accents, rather
    than moving from the level before to the level after. roles: each score voice's role
    (composer.music.roles.infer_roles; None: every new part at its kind's level): a new "harmony"
    voice sits under the tune (module doc). Returns new Note objects in the same order."""
    context = [n for n in context if n.velocity > 0]
    drums = set(drum_voices)
    by_voice: dict[int, list[Note]] = defaultdict(list)
    for n in context:
        by_voice[n.voice].append(n)
    gone: dict[int, list[Note]] = defaultdict(list)
    for n in replaced:
        if n.velocity > 0:
            gone[n.voice].append(n)
    out = list(written)
    positions = bar_positions(np.array([n.onset for n in written], dtype=np.int64), meters)[0] // GRID
    for voice in sorted({n.voice for n in written}):
        index = [i for i, n in enumerate(written) if n.voice == voice]
        own = by_voice.get(voice, [])
        if not own:  # a new part: the level of the other voices of its kind around each note
            kin = [n for n in context if (n.voice in drums) == (voice in drums)]
            if not kin and not context:
                continue
            if roles is not None and voice < len(roles) and roles[voice] == "harmony" and kin and voice not in drums:
                onsets = np.array([written[i].onset for i in index], dtype=np.int64)
                for i, level in zip(index, _comping_levels(kin, roles, onsets, meters).tolist()):
                    out[i] = replace(written[i], velocity=_clip(level))
                continue
            levels = _Nearby(kin or context, meters).many(np.array([written[i].onset for i in index], dtype=np.int64))
            for i, level in zip(index, levels.tolist()):
                # A kit added where there are no drums plays a drummer's plain balance on top.
                accent = _kit_accent(written[i].pitch, int(positions[i])) if voice in drums and not kin else 0.0
                out[i] = replace(written[i], velocity=_clip(level + accent))
            continue
        groups = {None: own}
        before = {None: gone[voice]}  # the voice's notes the region replaces, if any
        if voice in drums:
            for n in own:
                groups.setdefault(n.pitch, []).append(n)
            for n in gone[voice]:
                before.setdefault(n.pitch, []).append(n)
        by_key: dict = defaultdict(list)
        for i in index:
            pitch = written[i].pitch
            by_key[pitch if voice in drums and len(groups.get(pitch, ())) >= 2 else None].append(i)
        for key, members in by_key.items():
            # Bars that were written keep their own dynamics (an ff passage refilled stays ff, its
            # accents taken out so they are not counted twice); empty bars move between the sides.
            was = before.get(key if key is not None and len(before.get(key, ())) >= 2 else None)
            onsets = np.array([written[i].onset for i in members], dtype=np.int64)
            if was:
                levels = _Nearby(was, meters, accents=position_accents(was, meters)).many(onsets)
            else:
                level = _Level(groups[key], start, end, meters)
                levels = np.array([level(int(t)) for t in onsets])
            accents = position_accents(groups[key], meters)
            for i, value in zip(members, levels.tolist()):
                out[i] = replace(written[i], velocity=_clip(value + accents.get(int(positions[i]), 0.0)))
    return out


def _comping_levels(pitched: Sequence[Note], roles: Sequence[str], onsets: np.ndarray,
                    meters: np.ndarray | None) -> np.ndarray:
    """The level of a new comping part at each of `onsets` (score ticks), given the other pitched
    notes: in a bar where accompanying parts (ACCOMPANYING_ROLES) play, their median; elsewhere the
    tune's (the other pitched parts') level times COMPING_SHARE, bar by bar as _Nearby."""
    accompanying = [n for n in pitched if n.voice < len(roles) and roles[n.voice] in ACCOMPANYING_ROLES]
    tune = [n for n in pitched if not (n.voice < len(roles) and roles[n.voice] in ACCOMPANYING_ROLES)]
    under = _Nearby(tune, meters).many(onsets) * COMPING_SHARE if tune else None
    if not accompanying:
        return under
    beside = _Nearby(accompanying, meters)
    levels = beside.many(onsets)
    if under is None:
        return levels
    playing = beside.plays_in(onsets)  # bars without accompaniment: under the tune
    return np.where(playing, levels, under)


class _Level:
    """The median velocity of the voice's notes in the LEVEL_BARS bars before `start` (and after
    `end`), or where those hold fewer than 2, of the LEVEL_NOTES nearest, moving in a straight
    line between the two sides across the region (one side only: that side's level). With the 8
    nearest always, a bass of one note a bar was continued at the level of 8 bars back, not of
    its last bars after a change of dynamics (92 where the last bars were 80, QA)."""

    def __init__(self, notes: Sequence[Note], start: int, end: int | None, meters: np.ndarray | None = None):
        span = LEVEL_BARS * int(bar_positions(np.array([start], dtype=np.int64), meters)[1][0])
        before = sorted((n for n in notes if n.onset < start), key=lambda n: n.onset)
        recent = [n for n in before if n.onset >= start - span]
        before = recent if len(recent) >= 2 else before[-LEVEL_NOTES:]
        after = sorted((n for n in notes if end is not None and n.onset >= end), key=lambda n: n.onset)
        soon = [n for n in after if end is not None and n.onset < end + span]
        after = soon if len(soon) >= 2 else after[:LEVEL_NOTES]
        if not before and not after:  # the voice's notes lie inside the region's span only (other voices' region)
            before = list(notes)[-LEVEL_NOTES:]
        self.before = float(np.median([n.velocity for n in before])) if before else None
        self.after = float(np.median([n.velocity for n in after])) if after else None
        self.start, self.end = start, end

    def __bool__(self) -> bool:
        return self.before is not None or self.after is not None

    def __call__(self, onset: int) -> float:
        if self.before is None or self.after is None:
            return self.before if self.after is None else self.after
        share = min(1.0, max(0.0, (onset - self.start) / max(1, self.end - self.start)))
        return self.before + share * (self.after - self.before)


class _Nearby:
    """The median velocity of the notes in an onset's bar, or where its bar has none, of the
    LEVEL_NOTES notes nearest in time. A part added under a whole piece plays beside the others,
    so it follows their dynamics as they change, and a change of dynamics comes at a bar line:
    with the level of the notes before the region only, a part added under a tune that starts p
    and turns ff stayed p throughout (the pickup's velocity, QA)."""

    def __init__(self, notes: Sequence[Note], meters: np.ndarray | None, accents: dict[int, float] | None = None):
        order = sorted(notes, key=lambda n: n.onset)
        self.meters = meters
        self.onsets = np.array([n.onset for n in order], dtype=np.int64)
        self.velocities = np.array([n.velocity for n in order], dtype=np.float64)
        if accents:  # the level without the notes' own accents (they are added back per note)
            positions = bar_positions(self.onsets, meters)[0] // GRID
            self.velocities -= np.array([accents.get(int(p), 0.0) for p in positions])
        bars = self.onsets - bar_positions(self.onsets, meters)[0]  # each note's bar line
        self.by_bar = {int(b): float(np.median(self.velocities[bars == b])) for b in np.unique(bars)}

    def __call__(self, onset: int) -> float:
        return float(self.many(np.array([onset], dtype=np.int64))[0])

    def plays_in(self, onsets: np.ndarray) -> np.ndarray:
        """Whether the notes have any in the bar of each of `onsets` (score ticks): bool array."""
        onsets = np.asarray(onsets, dtype=np.int64)
        bars = onsets - bar_positions(onsets, self.meters)[0]
        return np.array([int(b) in self.by_bar for b in bars.tolist()], dtype=bool)

    def many(self, onsets: np.ndarray) -> np.ndarray:
        """The level at each of `onsets` (score ticks), as __call__ (one bar_positions call for all)."""
        onsets = np.asarray(onsets, dtype=np.int64)
        bars = onsets - bar_positions(onsets, self.meters)[0]
        out = np.empty(len(onsets))
        for i, (onset, bar) in enumerate(zip(onsets.tolist(), bars.tolist())):
            level = self.by_bar.get(bar)
            if level is None:  # its bar has none: the nearest notes in time
                at = int(np.searchsorted(self.onsets, onset))
                lo, hi = max(0, at - LEVEL_NOTES), min(len(self.onsets), at + LEVEL_NOTES)
                nearest = np.argsort(np.abs(self.onsets[lo:hi] - onset), kind="stable")[:LEVEL_NOTES]
                level = float(np.median(self.velocities[lo:hi][nearest]))
            out[i] = level
        return out


def position_accents(notes: Sequence[Note], meters: np.ndarray | None) -> dict[int, float]:
    """Per 32nd-note position in the bar (GRID): the mean of (velocity - its bar's median velocity) over
    the notes at that position, shrunk by n / (n + ACCENT_PRIOR)."""
    if not notes:
        return {}
    onsets = np.array([n.onset for n in notes], dtype=np.int64)
    velocities = np.array([n.velocity for n in notes], dtype=np.float64)
    since, _ = bar_positions(onsets, meters)
    bars = onsets - since  # the bar line of each note identifies its bar
    deviation = np.zeros(len(notes))
    for bar in np.unique(bars):
        mask = bars == bar
        deviation[mask] = velocities[mask] - np.median(velocities[mask])
    positions = since // GRID
    accents = {}
    for position in np.unique(positions):
        mask = positions == position
        accents[int(position)] = float(deviation[mask].sum() / (mask.sum() + ACCENT_PRIOR))
    return accents


# A drum part added where there are no drums (no kit to read levels from): a drummer's plain
# balance around the other parts' level, per General MIDI key. Before, every drum of the new part
# took the one level of the tune (QA): kick, snare and hi-hat alike.
KIT_ACCENT = {35: 10.0, 36: 10.0, 38: 5.0, 40: 5.0, 42: -15.0, 44: -20.0, 46: -10.0}
OFFBEAT_HAT = -10.0  # a hi-hat between the beats, below the one on the beat


def _kit_accent(key: int, position: int) -> float:
    """KIT_ACCENT for a drum key at a position of the bar (GRID ticks), the hi-hat between the
    beats (quarter notes) softer still."""
    accent = KIT_ACCENT.get(key, 0.0)
    if key in (42, 44, 46) and (position * GRID) % TICKS_PER_QUARTER:
        accent += OFFBEAT_HAT
    return accent


def _clip(velocity: float) -> int:
    return int(min(127, max(1, round(velocity))))

"""The feel of a played part, kept by the notes the co-writer writes in it: their timing,
loudness and articulation vary around the beat, the passage's dynamics and the note values as
the player's do.

The model writes onsets on its grid (composer.model.vocab: 12 a quarter, 40 ticks) and
composer.model.dynamics gives each new note its passage's level and its bar position's accent,
so a continuation of a played take came out mechanically exact beside the take: a Groove MIDI
drummer's hits lie 12 ticks (sd) off that grid, the co-writer's 0; a played tune's velocities
vary by 8 around its accents, its continuation's by 4 (QA: "robotic timing and velocity").
A player's notes scatter around the beat and the dynamics in a way of their own (a drummer
behind the beat, a pianist's uneven touch), so each new note takes a deviation drawn from the
part's own notes (a bootstrap, as the groove templates of sequencers take a performance's
timing and velocities, e.g. Logic's groove templates, Ableton's groove pool):

- timing: the onset moves by the offset of one of the part's played onsets from its nearest
  sixteenth (for a note on a sixteenth) or grid point, drawn among those at the same place in
  the quarter (none where fewer than MIN_AT_POSITION lie there), so a push on the off-beats is
  kept with the spread, and a player well behind or ahead of the beat stays so (the model reads
  such a part with its lag taken out: on_the_beat). A chord's notes move together (strumming is
  composer.music.strum's), and notes keep their order and stay apart as chords
  (composer.music.releases.TOGETHER); the caller lets each note go before the next strike of
  its key (composer.music.releases.released), as a drum hit here ends at the next on its key. A part
  whose onsets lie on a written grid (QUANTISED_SHARE on a multiple of 30 or 40 ticks since the
  bar line: a notation program's, a sequencer's) keeps it, as does a part when the person has
  chosen a grid (Controls.grid);
- velocity: the velocity moves by one of the part's notes' deviations from its bar's median and
  its position's accent (composer.model.dynamics' reading of the level and accents, per drum
  key for a kit), so a part played at one velocity stays at it;
- articulation: a new chord (or note) that the model held to the next one (LEGATO to OVERLAP
  of the way) is held the share of the way one of the part's own chords is, where the next comes
  within ARTICULATION_SPAN (the model learnt lead sheets' full lengths: a tune played detached,
  0.6 of the way, was continued legato in 2 of 3 variations). Lengths only shorten: a note the
  model let go of before a rest keeps its length, and a part played legato keeps the model's.

A part with fewer than MIN_NOTES notes of its own takes the feel of the other parts of its kind
(pitched or drums), and where none of those plays off the grid, the timing of all the others: a
bass added to a drummer's take plays with the drummer. The draws come from the request's seed,
so a variation is reproducible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from composer.model import vocab as V
from composer.model.dynamics import GRID as ACCENT_GRID, position_accents
from composer.model.encoding import bar_positions
from composer.music.releases import TOGETHER, chord_groups
from composer.music.score import Note

MIN_NOTES = 8  # a part's own notes to read its feel from; fewer: its kind's
MIN_AT_POSITION = 4  # offsets at one place in the quarter to draw from there; fewer: none (0)
QUANTISED_SHARE = 0.97  # share of onsets on a written grid that makes a part quantised
QUANTISED_STEPS = (30, 40)  # ticks: 64ths (and so 32nds, 16ths...), 1/12 of a quarter (triplets)
ARTICULATION_SPAN = 2 * V.TICKS_PER_QUARTER  # ticks: a chord followed this soon is articulated (later: a rest)
LEGATO = 0.9  # a new chord held this share of the way to the next or more is held as the part holds its own ...
OVERLAP = 1.1  # ... up to this share: longer, it is held under the next (a bass under a tune in one track)
MAX_OFFSET = V.TICKS_PER_GRID // 2 - 1  # ticks: an offset keeps a note nearer its own grid point
SIXTEENTH = V.TICKS_PER_QUARTER // 4
QUARTER_UNITS = V.TICKS_PER_QUARTER // V.TICKS_PER_GRID


class _Pool:
    """One part's (or kind's) deviations: onset offsets by place in the quarter, velocity
    residuals, and (a pitched part's own) articulation: its chords' lengths as shares of the time
    to the next."""

    def __init__(self, notes: Sequence[Note], meters: np.ndarray | None, drums: bool, articulated: bool = True):
        self.new_part = False  # (a part of too few notes of its own: it plays with the others, _played_with)
        self.offsets: dict[int, np.ndarray] = {}
        self.sixteenths: dict[int, np.ndarray] = {}
        self.residuals = _residuals(notes, meters, drums)
        shares = _articulation(notes) if articulated and not drums else np.zeros(0)
        self.shares = shares if len(shares) >= MIN_NOTES else np.zeros(0)
        onsets = _onsets(notes, drums)
        if len(onsets) < MIN_NOTES:
            return
        since, _ = bar_positions(onsets, meters)
        if _quantised(since):
            return
        self.offsets = _by_place(since, V.TICKS_PER_GRID, MAX_OFFSET)
        self.sixteenths = _by_place(since, SIXTEENTH, SIXTEENTH // 2 - 1)

    def __bool__(self) -> bool:
        """Whether there is a feel to keep (an even touch on a written grid has none)."""
        return self.timed or bool(np.any(self.residuals)) or bool(len(self.shares))

    @property
    def timed(self) -> bool:
        """Whether the part plays off the grid (its timing is known somewhere in the beat)."""
        return bool(self.offsets) or bool(self.sixteenths)

    def offset(self, since: int, rng: np.random.Generator) -> int:
        """An offset (ticks) for a note `since` ticks after its bar line: on a sixteenth, one of
        the part's offsets from the sixteenth at that place in the beat (a drummer 23 ticks ahead
        of the beat is 23 ahead, which from the model's grid reads 17 behind the grid point
        before); elsewhere, or where the part seldom plays near that sixteenth, from the model's
        grid point at that place; 0 where the part seldom plays there either (its feel there is
        not known: drawn from all its places, a note the model put a grid unit off the beat went
        20 ticks further off)."""
        pool = self.sixteenths.get(since // SIXTEENTH % 4) if since % SIXTEENTH == 0 else None
        if pool is None:
            pool = self.offsets.get(int(np.rint(since / V.TICKS_PER_GRID)) % QUARTER_UNITS)
        return int(pool[rng.integers(len(pool))]) if pool is not None else 0

    def residual(self, rng: np.random.Generator) -> float:
        return float(self.residuals[rng.integers(len(self.residuals))]) if len(self.residuals) else 0.0

    def share(self, rng: np.random.Generator) -> float | None:
        """A length as a share of the time to the next chord, None where the part's is not known."""
        return float(self.shares[rng.integers(len(self.shares))]) if len(self.shares) else None


def _articulation(notes: Sequence[Note]) -> np.ndarray:
    """Each chord's length (its longest note's) as a share of the time to its voice's next chord,
    where that comes within ARTICULATION_SPAN (a longer gap may hold a rest) and the chord ends by
    OVERLAP of it (one held under the next is no articulation), clipped to 0.05-1."""
    by_voice: dict[int, list[Note]] = defaultdict(list)
    for n in notes:
        by_voice[n.voice].append(n)
    out = []
    for line in by_voice.values():
        line.sort(key=lambda n: n.onset)
        groups = chord_groups([n.onset for n in line])
        for group, after in zip(groups, groups[1:]):
            gap = line[after[0]].onset - line[group[0]].onset
            held = max(line[i].duration for i in group)
            if 0 < gap <= ARTICULATION_SPAN and held <= OVERLAP * gap:
                out.append(held / gap)
    return np.clip(np.array(out), 0.05, 1.0)


def _quantised(since: np.ndarray) -> bool:
    """Whether onsets (ticks since their bar line) lie on a written grid (QUANTISED_SHARE of them
    on a multiple of one of QUANTISED_STEPS)."""
    return any(np.mean(since % step == 0) >= QUANTISED_SHARE for step in QUANTISED_STEPS)


def _by_place(since: np.ndarray, step: int, most: int) -> dict[int, np.ndarray]:
    """Onsets' offsets (ticks, within +-most) from their nearest multiple of `step` ticks since the
    bar line, by that point's place in the quarter, where MIN_AT_POSITION or more lie there."""
    nearest = np.rint(since / step).astype(np.int64)
    offsets = np.clip(since - nearest * step, -most, most)
    places = nearest % (V.TICKS_PER_QUARTER // step)
    return {int(p): offsets[places == p] for p in np.unique(places) if np.sum(places == p) >= MIN_AT_POSITION}


def _onsets(notes: Sequence[Note], drums: bool) -> np.ndarray:
    """The onsets whose offsets a part's feel is read from (ticks, sorted): a kit's every hit (its
    limbs' spread is part of its timing: from the first of each group, a continued groove came out
    3-5 ticks early on average); a pitched part's chords once each, at their first note, where a
    strum or a roll starts (composer.music.strum.destrummed reads them so)."""
    if drums:
        return np.array(sorted(n.onset for n in notes), dtype=np.int64)
    out = []
    by_voice: dict[int, list[int]] = defaultdict(list)
    for n in notes:
        by_voice[n.voice].append(n.onset)
    for onsets in by_voice.values():
        onsets.sort()
        out += [onsets[group[0]] for group in chord_groups(onsets)]
    return np.array(sorted(out), dtype=np.int64)


def _residuals(notes: Sequence[Note], meters: np.ndarray | None, drums: bool) -> np.ndarray:
    """Each note's velocity less its bar's median and its position's accent, read per voice (and
    per drum key for a kit with 2 notes or more of that key), as composer.model.dynamics reads them."""
    groups: dict[tuple, list[Note]] = defaultdict(list)
    for n in notes:
        if n.velocity > 0:
            groups[(n.voice, n.pitch if drums else None)].append(n)
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        onsets = np.array([n.onset for n in group], dtype=np.int64)
        velocities = np.array([n.velocity for n in group], dtype=np.float64)
        since, _ = bar_positions(onsets, meters)
        bars = onsets - since
        accents = position_accents(group, meters)
        for bar in np.unique(bars):
            mask = bars == bar
            if mask.sum() < 2:  # (one note: its bar's median is itself)
                continue
            accent = np.array([accents.get(int(p), 0.0) for p in since[mask] // ACCENT_GRID])
            out += (velocities[mask] - np.median(velocities[mask]) - accent).tolist()
    return np.array(out)


class PlayedFeel:
    """The feel of a score's parts (read from `context`, the score's other notes, once for every
    variation written beside them), applied to new notes by `apply`. meters: the score's meter map
    (rows tick, numerator, denominator; None = 4/4); drum_voices: the kit voices (velocities read
    per key; a new drum part takes the kit's feel)."""

    def __init__(self, context: Iterable[Note], meters: np.ndarray | None, drum_voices: Iterable[int] = ()):
        self.context, self.meters, self.drums = list(context), meters, set(drum_voices)
        self.by_voice: dict[int, list[Note]] = defaultdict(list)
        for n in self.context:
            self.by_voice[n.voice].append(n)
        self._pools: dict[int, _Pool] = {}
        self._others: np.ndarray | None = None  # the context's onsets, sorted (_played_with)

    def pool(self, voice: int) -> _Pool:
        if voice not in self._pools:
            own = self.by_voice.get(voice, [])
            drum = voice in self.drums
            articulated = len(own) >= MIN_NOTES  # (a new part is not held to another's articulation)
            if not articulated:  # a new part: the feel of the parts of its kind
                own = [n for n in self.context if (n.voice in self.drums) == drum]
            pool = _Pool(own, self.meters, drum, articulated)
            pool.new_part = not articulated
            if not articulated and not pool.timed:  # ... or where none plays off the grid, the band's
                # timing: a bass added to a drummer's take, 23 ticks behind the drummer (QA qa29 3)
                band = _Pool(self.context, self.meters, False, False)
                pool.offsets, pool.sixteenths = band.offsets, band.sixteenths
            self._pools[voice] = pool
        return self._pools[voice]

    def apply(self, new: Sequence[Note], *, start: int, end: int | None, timing: bool = True,
              rng: np.random.Generator | None = None) -> list[Note]:
        """`new` (the co-writer's notes of a region [start, end) in score ticks; end None: open) with
        the timing and velocity deviations of the context, as the module says. timing False leaves
        onsets as written (a grid the person chose); rng: the draws' generator (None: a fresh one).
        Onsets stay at or after `start` and before `end`, and a note that ended by `end` still
        does. Returns new Note objects in the same order."""
        rng = rng if rng is not None else np.random.default_rng()
        out = list(new)
        struck: dict[int, int] = {}  # other parts' new notes: written onset -> onset as moved
        for voice in sorted({n.voice for n in new}):
            pool = self.pool(voice)
            if not pool:
                continue
            index = sorted((i for i, n in enumerate(new) if n.voice == voice), key=lambda i: new[i].onset)
            onsets = [new[i].onset for i in index]
            since, _ = bar_positions(np.array(onsets, dtype=np.int64), self.meters)
            previous = moved_previous = None
            groups = chord_groups(onsets)
            for g, group in enumerate(groups):
                first = onsets[group[0]]
                shift = 0
                if timing and pool.timed:
                    with_them = self._played_with(voice, first, struck) if pool.new_part else None
                    moved = max(first + pool.offset(int(since[group[0]]), rng) if with_them is None else with_them,
                                start)
                    if previous is not None:  # (in order, and still apart from the chord before)
                        moved = max(moved, moved_previous + min(first - previous, TOGETHER + 1))
                    if end is not None:
                        moved = min(moved, end - 1)
                    shift = moved - first
                    previous, moved_previous = first, moved
                held = None  # (the part's articulation, where the model held the chord to the next)
                if g + 1 < len(groups) and 0 < onsets[groups[g + 1][0]] - first <= ARTICULATION_SPAN:
                    gap = onsets[groups[g + 1][0]] - first
                    if LEGATO * gap <= max(new[index[k]].duration for k in group) <= OVERLAP * gap:
                        share = pool.share(rng)
                        held = None if share is None else max(1, round(share * gap))
                for k in group:
                    i = index[k]
                    note = new[i]
                    stop = note.onset + note.duration + shift
                    if held is not None:
                        stop = min(stop, note.onset + shift + held)
                    if end is not None and note.onset + note.duration <= end:
                        stop = min(stop, end)
                    velocity = int(np.clip(round(note.velocity + pool.residual(rng)), 1, 127))
                    out[i] = note.with_(onset=note.onset + shift, duration=max(1, stop - note.onset - shift),
                                        velocity=velocity)
                struck.setdefault(first, first + shift)
            if voice in self.drums:  # a hit moved toward the next on its key ends there (composer.music.releases
                # leaves drums' lengths alone; an open hi-hat or cymbal is choked by a note-off)
                last: dict[int, int] = {}
                for i in sorted(index, key=lambda i: out[i].onset, reverse=True):
                    hit = out[i]
                    if hit.pitch in last and last[hit.pitch] < hit.onset + hit.duration:
                        out[i] = hit.with_(duration=max(1, last[hit.pitch] - hit.onset))
                    last[hit.pitch] = hit.onset
        return out


    def _played_with(self, voice: int, onset: int, struck: dict[int, int]) -> int | None:
        """For a new part's note written at `onset` on a sixteenth: the onset another part plays
        at that sixteenth (its new note written there, as moved; else the context's note nearest
        it within the sixteenth), None where none does. A bass added to a drummer's take had its
        own draws from the drummer's timing: the drummer's on average, but 25 ticks (sd) from the
        kick it sounds with (QA qa30)."""
        if onset % SIXTEENTH:
            return None
        if onset in struck:
            return struck[onset]
        if self._others is None:
            self._others = np.array(sorted(n.onset for n in self.context), dtype=np.int64)
        at = np.searchsorted(self._others, onset)
        near = [int(self._others[j]) for j in (at - 1, at) if 0 <= j < len(self._others)]
        near = [t for t in near if abs(t - onset) < SIXTEENTH // 2]
        return min(near, key=lambda t: abs(t - onset)) if near else None


def played_feel(new: Sequence[Note], context: Iterable[Note], *, start: int, end: int | None,
                meters: np.ndarray | None, drum_voices: Iterable[int] = (), timing: bool = True,
                rng: np.random.Generator | None = None) -> list[Note]:
    """PlayedFeel(context, meters, drum_voices).apply(new, ...): one variation's notes."""
    return PlayedFeel(context, meters, drum_voices).apply(new, start=start, end=end, timing=timing, rng=rng)


# A part played this far behind or ahead of the beat throughout (ticks, its onsets' median offset
# from their nearest sixteenth) is read by the model with its lag taken out: on the model's grid
# (40 ticks) a player 24 ticks late reads as a grid unit late, and the model went on at grid points
# the player never uses (40, 80, 160 ticks into the beat: new offsets +10 ticks sd 30 against the
# player's +25 sd 6, QA qa29). The lag comes back with the feel (PlayedFeel: offsets from the sixteenth).
LAG_MIN = 12


def lag_of(notes: Sequence[Note], meters: np.ndarray | None, drums: bool = False) -> int:
    """The median offset (ticks) of a played part's onsets (its chords' first notes; a kit's every
    hit) from their nearest sixteenth, where it is LAG_MIN or more either way; 0 for a quantised
    part, one of fewer than MIN_NOTES onsets, or one near the beat."""
    onsets = _onsets(notes, drums)
    if len(onsets) < MIN_NOTES:
        return 0
    since, _ = bar_positions(onsets, meters)
    if _quantised(since):
        return 0
    lag = int(np.median(since - np.rint(since / SIXTEENTH).astype(np.int64) * SIXTEENTH))
    return lag if abs(lag) >= LAG_MIN else 0


def on_the_beat(notes: Sequence[Note], start: int, end: int | None, meters: np.ndarray | None,
                drum_voices: Iterable[int] = ()) -> list[Note]:
    """`notes` (a score's, in ticks) with each part's lag (lag_of) taken out of its notes outside
    the region [start, end) (end None: open), none moved across the region's edges or before 0:
    the music as the model should read it. Returns the same Note objects where nothing moves."""
    drums = set(drum_voices)
    by_voice: dict[int, list[Note]] = defaultdict(list)
    for n in notes:
        by_voice[n.voice].append(n)
    lags = {v: lag_of(own, meters, v in drums) for v, own in by_voice.items()}
    if not any(lags.values()):
        return list(notes)
    out = []
    for n in notes:
        lag = lags[n.voice]
        inside = n.onset >= start and (end is None or n.onset < end)
        if not lag or inside:
            out.append(n)
            continue
        onset = n.onset - lag
        if n.onset < start:
            onset = min(onset, start - 1)
        elif end is not None:
            onset = max(onset, end)
        out.append(n.with_(onset=max(0, onset)))
    return out

"""write_region: a Score and a region of it -> new notes, N variations. The model side of the
generation service (composer.generate.CoWriter calls it).

The whole score is encoded (every voice, before, after and beside the region, up to
MAX_CONTEXT notes before it); the decoder writes the target voices' notes in time order with the
hard constraints of composer.model.sampling.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Callable, Sequence

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.checkpoint import NEUTRAL_STYLE, Checkpoint
from composer.model.completion import Completion, chord_completion, merged
from composer.model.dynamics import follow_dynamics
from composer.model.feel import on_the_beat
from composer.model.hit_lengths import drum_hit_lengths
from composer.model.dataset import bos_step, decoder_inputs, local_prefix, region_context
from composer.model.encoding import bar_positions, chords_at, encode, keys_at, notes_to_array
from composer.model.harmony_plan import PLAN_FIT, chord_fit, in_halves, in_sevenths, planned_progression
from composer.model.loops import allowed_periods, repeat_limit
from composer.model.network import evaluation_mode
from composer.model.priors import (BESIDE_WEIGHT, FIGURE_BARS, FIGURE_MIN_BARS, GRID_STEPS, HARMONY_SHARE,
                                   MIN_RHYTHM_BARS, NEW_HARMONY_SHARE, NEW_HARMONY_SHIFT, OSTINATO_STATEMENTS,
                                   RECALL_NOTES, RECALL_SHORTEST, ROOT_BASS_SHARE, GrooveProfile, LineRecall,
                                   Ostinato, Under, bar_figure_of, blues_tonic, chord_roots, chord_thirds, chord_tones,
                                   estimate_chords, find_loop, find_ostinato, grid_of, groove_profile,
                                   harmonic_rhythm_of, held_over_rests, line_habits, line_rhythm_of, metric_weight,
                                   on_beat_pull, phrase_holds, played_grid, recency_weights, style_chord_strength,
                                   texture_of, unplayed_subdivisions, written_grid)
from composer.model.sampling import (UNISON_PENALTY, RegionPlan, TargetVoice, branch_points, sample_region,
                                     tonic_triad)
from composer.model.style_beats import kick_line, style_beat, swung
from composer.model.voice_leading import parallel_guard_of
from composer.music.blues import (BLUES_CELL, BLUES_STEPS, blues_bar_roots, blues_tonic_of, minor_blues_form,
                                  twelve_bar_phase, twelve_bar_root)
from composer.music.chords import CHORD_INTERVALS, QUALITIES, QUALITY_INDEX
from composer.music.drum_phrasing import phrase_drums
from composer.music.limits import BARS_REQUEST_NOTES, region_fill_cap, voice_fill_cap
from composer.music.meter import MeterMap
from composer.music.harmony_part import Complement, complement_for, comping_top, find_harmony_part
from composer.music.second_part import (BassComplement, DrumComplement, bass_complement, drum_complement,
                                        find_bass_part, find_drum_part)
from composer.music.region import Controls, Region
from composer.music.releases import released
from composer.music.scales import Key
from composer.music.score import Note, Score
from composer.music.strum import destrummed

MAX_CONTEXT = 1024  # notes before the region the encoder reads (the whole piece, for most pieces)
MAX_AFTER = 256  # notes after a fill region


def score_meters(score: Score) -> np.ndarray:
    meters = getattr(score, "meters", None)
    if meters:
        return np.array([(m.tick, m.numerator, m.denominator) for m in meters], dtype=np.int64)
    ts = score.time_signature
    return np.array([(0, ts.numerator, ts.denominator)], dtype=np.int64)


def score_keys(score: Score) -> list[tuple[int, str]] | None:
    keys = getattr(score, "keys", None)
    if keys:
        return [(k.tick, str(k.key)) for k in keys]
    return [(0, str(score.key))] if score.key is not None else None


def slash_basses(score: Score, chords=None) -> np.ndarray | None:
    """The bass notes of the slash chords among `chords` (default: the score's): (K, 3) int64 rows
    (onset, end, bass pitch class) in grid ticks, by onset; None without slash chords."""
    from composer.music.chords import slash_bass

    chosen = chords if chords is not None else getattr(score, "chords", None)
    rows = [(c.onset // V.TICKS_PER_GRID, -(-c.end // V.TICKS_PER_GRID), bass)
            for c in chosen or () if (bass := slash_bass(c.figure)) is not None]
    return np.array(sorted(rows), dtype=np.int64).reshape(-1, 3) if rows else None


def score_chords(score: Score, chords=None) -> np.ndarray | None:
    chosen = chords if chords is not None else getattr(score, "chords", None)
    if not chosen:
        return None
    from composer.music.chords import chord_rows

    return chord_rows(chosen)


def score_roles(score: Score) -> list[str]:
    from composer.music.roles import infer_roles

    return infer_roles(score)


STANDARD_KIT = (36, 38, 42, 46, 49, 51)  # GM: kick, snare, closed and open hi-hat, crash, ride
STICK_HATS, PEDAL_HAT = (42, 46), 44  # GM: the hi-hat played with sticks (closed, open), and with the foot
DEFAULT_GROOVE_OTHERS = 2.0  # log-ratio taken off the kit's keys that the default beat does not play
SWING_WEIGHT = 3.0  # the default beat's weight, swung (_drum_groove)
# A groove style's measured beat's weight, straight (_drum_groove): at 1 a model trained longer
# dropped the Latin beat's downbeat kick from 30 of 72 bars (3 seeds x 3 variations); 1.5: 2 of 72.
STYLE_BEAT_WEIGHT = 1.5


def _meter_at(start: int, meters: np.ndarray) -> tuple[int, int, int]:
    """(bar length in ticks, numerator, denominator) of the meter in force at tick `start` (meters:
    rows tick, numerator, denominator; 4/4 without any)."""
    _, bar = bar_positions(np.array([max(0, start)]), meters)
    if not len(meters):
        return int(bar[0]), 4, 4
    numerator, denominator = (int(x) for x in meters[np.searchsorted(meters[:, 0], start, side="right") - 1, 1:3])
    return int(bar[0]), numerator, denominator


def default_comping(start: int, meters: np.ndarray, top: float, per_bar: int | None = None,
                    sevenths: bool = False):
    """A harmony part added where it has no notes yet: the Texture of six bars of plain block-chord
    comping in the meter in force at `start` (close-position triads in every inversion, with their
    top note at `top`; a chord on each half bar in 4/4 and compound 6/8 or 12/8, one a bar
    otherwise, or `per_bar` chords a bar, each held to the next), each chord complete
    (Texture.complete). The model, which learnt lines, wrote an added harmony part as a single line (about
    one onset in 20 a chord, QA), sometimes doubling the tune. sevenths (under written or given
    seventh or sixth chords): close four-note seventh chords in every inversion too, whose whole
    steps (the seventh over the root, G F in G7's inversions) the triads' context never has."""
    bar_ticks, numerator, _ = _meter_at(start, meters)
    if per_bar is None:
        per_bar = 2 if numerator in (4, 6, 12) else 1
    length = bar_ticks // per_bar
    rows = []
    top = int(round(top))
    # Every close-position shape of a major and a minor triad, top-down: root position and both
    # inversions. With root position alone (thirds only) a chord could only have its fifth on top,
    # so where the chord's fifth lay far from `top` the part played the wrong chord: G B D over an
    # A minor bar of a waltz with "Am" written above it (QA).
    shapes = ((3, 4), (4, 3), (5, 3), (5, 4), (3, 5), (4, 5))
    if sevenths:  # ... and a dominant, a minor and a major seventh's, top-down, root position and inversions
        # (without the major seventh's half step between seventh and root, a Cmaj7 under a tune had
        # stopped at C4 E4 G4, its B only a half step under the C: the seventh at 50 of 129 maj7
        # onsets, QA qa34)
        shapes += ((3, 3, 4), (2, 3, 3), (4, 2, 3), (3, 4, 2), (3, 4, 3), (2, 3, 4), (3, 2, 3), (4, 3, 2),
                   (4, 3, 4), (1, 4, 3), (4, 1, 4), (3, 4, 1))
    for k in range(len(shapes) * per_bar):  # (six bars: texture_of wants 4 onsets or more)
        gaps = shapes[k % len(shapes)]
        rows.extend((k * length, top - int(np.sum(gaps[:depth]))) for depth in range(len(gaps) + 1))
    ticks = np.array([t for t, _ in rows], dtype=np.int64)
    pitches = np.array([p for _, p in rows], dtype=np.int64)
    texture = texture_of(np.rint(ticks / V.TICKS_PER_GRID), pitches,
                         (ticks % bar_ticks, np.full(len(ticks), bar_ticks), ticks),
                         np.full(len(ticks), max(1, length // V.TICKS_PER_GRID)))
    return replace(texture, complete=True)


def _sevenths_under(chord_rows: np.ndarray | None, region: Region, others: np.ndarray, key: Key | None) -> bool:
    """Whether a written or given chord of four tones (a seventh or sixth chord; chord_rows:
    rows onset, duration, root, quality in ticks) sounds in the region, or, with none written or
    given, the other parts (note array rows) play a blues (blues_tonic: its chords are sevenths)."""
    if chord_rows is None or not len(chord_rows):
        return chord_rows is None and len(others) > 0 and blues_tonic(others[:, 1], others[:, 2], key) is not None
    inside = (chord_rows[:, 0] + chord_rows[:, 1] > region.start) & (
        True if region.end is None else chord_rows[:, 0] < region.end)
    return any(len(CHORD_INTERVALS[QUALITIES[q]]) >= 4 for q in chord_rows[inside, 3].tolist() if 0 <= q < len(QUALITIES))


def _tune(pitched: np.ndarray, region: Region) -> np.ndarray:
    """The tune an added harmony part plays under: the notes (note array rows) of the highest of
    the other pitched voices by median pitch (none: an empty array)."""
    others = pitched[~np.isin(pitched[:, 4], list(region.voices))] if len(pitched) else pitched
    if not len(others):
        return others
    voice = max(np.unique(others[:, 4]), key=lambda v: float(np.median(others[others[:, 4] == v, 2])))
    return others[others[:, 4] == voice]


def _comping_top(pitched: np.ndarray, region: Region) -> float:
    """Where an added harmony part's chords have their top note: a fourth under the tune (_tune)
    and under its low notes (its 10th percentile), between G3 and D5. A fourth under the median
    alone put chords under a tune of E4-E5 up to G4, over its own low notes (6 of 48 chord notes, QA)."""
    return comping_top(_tune(pitched, region)[:, 2].tolist())


def _under_tune(pitched: np.ndarray, region: Region, meters: np.ndarray, per_bar: int | None) -> Under | None:
    """The tune's notes an added harmony part's chords stay under (priors.Under), in grid ticks,
    with the chords' length (default_comping's), or None without a tune."""
    tune = _tune(pitched, region)
    if not len(tune):
        return None
    bar_ticks, numerator, _ = _meter_at(region.start, meters)
    per_bar = per_bar or (2 if numerator in (4, 6, 12) else 1)
    rows = np.stack([tune[:, 0] // V.TICKS_PER_GRID, -(-(tune[:, 0] + tune[:, 1]) // V.TICKS_PER_GRID), tune[:, 2]], 1)
    return Under(rows[np.argsort(rows[:, 0], kind="stable")], max(1, bar_ticks // per_bar // V.TICKS_PER_GRID))


def _beside_harmony(score: Score, region: Region, controls: Controls) -> Complement | None:
    """How a new harmony part complements the harmony part the score already has over the region
    (composer.music.harmony_part: add_part asks the person first, and says this), or None. A range
    the person gave the part is theirs: then only the rhythm differs."""
    voice = find_harmony_part(score, region.start, region.end, exclude=region.voices)
    if voice is None:
        return None
    return complement_for(score, voice, region.start, region.end, exclude=region.voices,
                          keep_range=controls.lowest is not None or controls.highest is not None)


def _beside_drums(score: Score, region: Region) -> DrumComplement | None:
    """The hand percussion a new drum part plays beside the drum part the score already has over
    the region (composer.music.second_part: add_part asks the person first, and says this), or None."""
    voice = find_drum_part(score, region.start, region.end, exclude=region.voices)
    return None if voice is None else drum_complement(score, voice, region.start, region.end)


def _beside_bass(score: Score, region: Region, controls: Controls) -> BassComplement | None:
    """How a new bass complements the bass the score already has over the region (its rhythm here;
    its range, an octave away, is the request's, composer.request.add_part), or None."""
    voice = find_bass_part(score, region.start, region.end, exclude=region.voices)
    if voice is None:
        return None
    return bass_complement(score, voice, region.start, region.end, exclude=region.voices,
                           keep_range=controls.lowest is not None or controls.highest is not None)


# Of the six bars of plain lines an added bass starts from, the bars that play its groove style's
# kick line (style_beats.kick_line): a funk or Latin bass had played the neutral style's lines note
# for note (QA qa15 L4b). 3 of 6 did not move it (funk: 4 % of its notes off the beat, each first
# note held over the kick's); 4 leans it to the kick (38 %; the root on 248 of 256 downbeats, 251
# before; where chords change on beat 3 too, 84-86 % of chord onsets, 88-89 % before); 6 copies
# it (49 %).
KICK_BARS = 4


def _plain_lines(bar_ticks: int, numerator: int, denominator: int, walking: bool) -> list[list[int]]:
    """Six bars of the plain lines a bass player starts from in one meter (onset ticks in the bar):
    in a bar of four beats or more (4/4, 12/8 by its dotted beats, 5/4) a note on every beat in
    three bars, on one, the half bar and the beat after it in two (the last beat an approach to
    the next bar), and root and fifth on one and the half bar in one; walking (jazz styles): every
    beat in five; in shorter bars every beat, one and the second half or group, and one alone,
    twice each. In four, an equal share of the three (every beat, half notes, a whole note) played
    beats 1-3 and held the third to the bar line: beat 4 in 2 of 56 bars, a waltz's figure (QA F10)."""
    beats = numerator // 3 if numerator in (6, 9, 12) and denominator == 8 else numerator
    beat = bar_ticks // max(1, beats)
    half = -(-beats // 2) * beat if beats >= 2 else bar_ticks  # the beat starting the bar's second half / group
    every = list(range(0, bar_ticks, beat))
    if beats >= 4:
        return [every] * 5 + [[0, half]] if walking else [every] * 3 + [[0, half, half + beat]] * 2 + [[0, half]]
    return [every, [0] + ([half] if half < bar_ticks else []), [0]] * 2


def default_bass_line(start: int, meters: np.ndarray, notes_a_bar: int | None = None, end: int | None = None,
                      walking: bool = False, style: str | None = None):
    """A bass part added where it has no notes yet: the LineRhythm of the plain lines a bass player
    starts from (_plain_lines; walking: a jazz style's) in each meter in force from `start` to
    `end` (ticks; None: the score's end), each note held to the next. The model alone, with no
    bass of the piece to follow, left a quarter of the downbeats empty and played off the beat
    (QA). Where the meter changes, each position of the bar is played as often as the meter that
    plays it most does (meters of one beat unit: a 3/4 section then a 4/4 one kept beat 4 for the
    4/4 bars); a meter of another beat unit (6/8 beside 4/4) is left to the start's.
    notes_a_bar: one of these lines alone, six bars of it (1: the note held a bar; else a note on
    each beat), for a second bass beside one (composer.music.second_part). style: in a meter where
    it has a measured beat whose kick plays off the beat (funk, Latin), KICK_BARS of the six bars
    play its kick line (style_beats.kick_line), so that the bass locks with the drums."""
    in_force = int(np.searchsorted(meters[:, 0], start, side="right")) - 1 if len(meters) else 0
    later = meters[max(in_force, 0) + 1:] if len(meters) else meters
    if end is not None:
        later = later[later[:, 0] < end]
    first = _meter_at(start, meters)
    unit = first[0] // max(1, first[1] // 3 if first[1] in (6, 9, 12) and first[2] == 8 else first[1])
    shapes = [first]
    for numerator, denominator in dict.fromkeys((int(n), int(d)) for n, d in later[:, 1:3].tolist()):
        bar_ticks = 4 * V.TICKS_PER_QUARTER * numerator // denominator
        beats = numerator // 3 if numerator in (6, 9, 12) and denominator == 8 else numerator
        if (bar_ticks, numerator, denominator) not in shapes and bar_ticks // max(1, beats) == unit:
            shapes.append((bar_ticks, numerator, denominator))
    since, lengths, onsets, durations, occupancies = [], [], [], [], []
    origin = 0
    for bar_ticks, numerator, denominator in shapes:
        patterns = _plain_lines(bar_ticks, numerator, denominator, walking)
        kicked = None if walking else kick_line(style, numerator, denominator)
        if kicked:  # (in place of the plain lines' every-beat bars and one of their half-note bars)
            patterns = [kicked] * KICK_BARS + patterns[KICK_BARS:]
        if notes_a_bar is not None:
            beats = numerator // 3 if numerator in (6, 9, 12) and denominator == 8 else numerator
            patterns = [[0] if notes_a_bar == 1 else list(range(0, bar_ticks, bar_ticks // max(1, beats)))] * 6
        ticks, held = [], []
        for b, pattern in enumerate(patterns):
            ends = pattern[1:] + [bar_ticks]
            ticks += [origin + b * bar_ticks + t for t in pattern]
            held += [e - t for t, e in zip(pattern, ends)]
        ticks = np.array(ticks, dtype=np.int64)
        one = line_rhythm_of(((ticks - origin) % bar_ticks, np.full(len(ticks), bar_ticks), ticks),
                             np.rint(np.array(held) / V.TICKS_PER_GRID))
        if one is None:
            return None
        occupancies.append(one.occupancy)
        since.append((ticks - origin) % bar_ticks)
        lengths.append(np.full(len(ticks), bar_ticks))
        onsets.append(ticks)
        durations += held
        origin += len(patterns) * bar_ticks
    line = line_rhythm_of((np.concatenate(since), np.concatenate(lengths), np.concatenate(onsets)),
                          np.rint(np.array(durations) / V.TICKS_PER_GRID))
    return None if line is None else replace(line, occupancy=np.max(occupancies, axis=0), within_bar=True,
                                             walking=walking and notes_a_bar is None)


PERCUSSION_ROLES = ("hat", "kick", "snare", "offbeat")  # what each of a percussion kit's keys plays, in order


def default_groove(start: int, meters: np.ndarray, percussion: tuple[int, ...] | None = None, swing: bool = False,
                   style: str | None = None):
    """A drum part added where there are no drums yet: the GrooveProfile of two bars of the plain
    beat a drummer starts from in the meter in force at `start` (eighth-note hi-hat; kick on the
    downbeat and, in four, the third beat; snare on the backbeats, on two and three in three, on the
    second (and fourth) dotted beat of a compound bar, or on the beat starting an odd bar's second
    half: 5/4 as 3 + 2). The model alone, never having seen drums beside a
    melody, played congas and whistles along with the tune. percussion: the keys of a second kit
    part beside a drummer (composer.music.second_part: shaker, tambourine, congas), which play the
    same plain beat in their own roles (PERCUSSION_ROLES: the shaker the eighths, a low drum the
    kick's beats, the tambourine the backbeats, a high drum the eighth after each backbeat); the
    fifth, if any, is colour. swing: the hi-hat's off-beat eighths swung, two thirds into each
    quarter (asked with the swing or triplet grid, or under a tune in triplets): with the swing grid
    the straight off-beats were masked and the hats played quarters; under running triplets they
    played straight eighths, two against three (QA). style: a groove_* style's measured beat
    instead, in 4/4 without percussion (composer.model.style_beats)."""
    bar_ticks, numerator, denominator = _meter_at(start, meters)
    beat_of_style = None if percussion else style_beat(style, numerator, denominator, swing)
    beat = bar_ticks // max(1, numerator if numerator not in (6, 9, 12) else numerator // 3)
    eighth = 240
    quarter = V.TICKS_PER_QUARTER
    hats = [t for q in range(0, bar_ticks, quarter) for t in (q, q + 2 * quarter // 3) if t < bar_ticks] \
        if swing and numerator not in (6, 9, 12) else list(range(0, bar_ticks, eighth))
    notes = []
    for b in range(2 if beat_of_style is None else 0):
        origin = b * bar_ticks
        notes += [(origin + t, 42) for t in hats]
        notes.append((origin, 36))
        if numerator == 4:
            notes += [(origin + 2 * beat, 36), (origin + beat, 38), (origin + 3 * beat, 38)]
        elif numerator == 2:
            notes.append((origin + beat, 38))
        elif numerator == 3:  # a waltz: kick on one, snare on two and three
            notes += [(origin + beat, 38), (origin + 2 * beat, 38)]
        elif numerator in (6, 9, 12):  # compound: on the second (and fourth) dotted beat
            notes += [(origin + k * beat, 38) for k in range(1, numerator // 3, 2)]
        else:  # an odd bar: on the beat that starts its second group (5/4 as 3 + 2: on four; 7/8: 4 + 3)
            unit = 4 * V.TICKS_PER_QUARTER // denominator  # (the half bar on a beat: it was on the and of three)
            notes.append((origin + -(-(bar_ticks // 2) // unit) * unit, 38))
    if beat_of_style is not None:
        notes = [(b * bar_ticks + t, k) for b in range(2) for t, k in beat_of_style]
    if percussion:
        # The kit's roles to the percussion's: shaker for hi-hat, tambourine for snare, low conga
        # for kick; a high conga answers each backbeat an eighth later.
        hat, kick, snare, offbeat = (tuple(percussion) + (None,) * 4)[:4]
        part = {42: hat, 36: kick, 38: snare}
        notes = [(t, part[k]) for t, k in notes if part[k] is not None] + \
            ([(t + eighth, offbeat) for t, k in notes if k == 38 and (t + eighth) % bar_ticks] if offbeat else [])
    onsets = np.array([t for t, _ in notes], dtype=np.int64)
    keys = np.array([k for _, k in notes], dtype=np.int64)
    profile = groove_profile(onsets % bar_ticks, np.full(len(onsets), bar_ticks), keys, onsets)
    # Keys outside the beat (open hat, crash, ride) stay possible, for colour, not as the beat.
    others = np.setdiff1d(np.arange(V.N_PITCH), np.unique(keys))
    # Twice the usual weight: the model never saw drums beside a melody (Groove is drums alone).
    log_ratio, log_top = 2 * profile.log_ratio, 2 * profile.log_top
    log_ratio[others] -= DEFAULT_GROOVE_OTHERS
    log_top[others] -= DEFAULT_GROOVE_OTHERS
    return replace(profile, log_ratio=log_ratio, log_top=log_top)


def _monophonic(notes: np.ndarray, voice: int) -> bool | None:
    """True when the voice's notes never overlap (None: too few to tell), but for at most
    MONO_SLIPS of them that start with a higher note (a stray note under the line: its length
    is not the line's)."""
    own = notes[notes[:, 4] == voice]
    if len(own) < 2:
        return None
    own = own[np.lexsort((-own[:, 2], own[:, 0]))]
    slips, line_onset, sounding = 0, -1, -1
    for onset, end in zip(own[:, 0].tolist(), (own[:, 0] + own[:, 1]).tolist()):
        if onset >= sounding - V.TICKS_PER_GRID // 2:
            line_onset, sounding = onset, end
        elif onset - line_onset <= V.TICKS_PER_GRID // 2:
            slips += 1
        else:
            return False
    return slips <= MONO_SLIPS * len(own)


# A line with a slip: one note of a ballad's left hand that the split gave its tune (the chord's
# B3 under the tune's B4) had made the right hand a voice of chords, and its fills wrote seconds
# and a run of sixteenths into the region's last beat (QA qa18 M6). (A note held over the next,
# as legato playing does, still makes a voice no line: a swung sax take is written as before.)
MONO_SLIPS = 0.1


class ScoreFeatures:
    """Per-onset features of the score's maps (meter, key, chords), for new notes.

    Every feature is a function of the onset alone, and the sampler asks for the onsets near the
    region several times per step: they are computed once for a span of grid ticks around the
    onsets asked (TABLE_SPAN or more, grown as needed) and looked up after that. The planner's
    few single onsets are computed directly (a variation's plan may never sample)."""

    TABLE_SPAN = 1024  # grid ticks computed at once (about 21 bars of 4/4)
    TABLE_LIMIT = 1 << 16  # the widest span kept; onsets beyond it are computed each time

    def __init__(self, meters: np.ndarray, keys, chords):
        self.meters, self.keys, self.chords = meters, keys, chords
        self._first = 0  # the grid tick of the tables' first entry
        self._table: dict[str, np.ndarray] | None = None
        self._small = 0  # small requests answered before the tables were made

    def __call__(self, onsets_grid: np.ndarray) -> dict:
        """Features of onsets (grid ticks): a dict of arrays of their length (fresh arrays)."""
        onsets_grid = np.asarray(onsets_grid, dtype=np.int64)
        index = self._lookup(onsets_grid)
        if index is None:
            return self._compute(onsets_grid)
        return {name: table[index] for name, table in self._table.items()}

    def positions(self, onsets_grid: np.ndarray) -> np.ndarray:
        """Only the "position" feature (grid ticks since the bar line), without the rest's cost."""
        onsets_grid = np.asarray(onsets_grid, dtype=np.int64)
        index = self._lookup(onsets_grid)
        if index is None:
            since, _ = bar_positions(onsets_grid * V.TICKS_PER_GRID, self.meters)
            return np.clip(since // V.TICKS_PER_GRID, 0, V.MAX_POSITION - 1)
        return self._table["position"][index]

    def bars(self, onsets_grid: np.ndarray) -> dict:
        """Only "bar_index", "position" and "bar_len", without the rest's cost (the sampler's
        harmonic-rhythm and figure priors ask at every step)."""
        onsets_grid = np.asarray(onsets_grid, dtype=np.int64)
        index = self._lookup(onsets_grid)
        if index is None:
            return self._compute(onsets_grid)
        return {name: self._table[name][index] for name in ("bar_index", "position", "bar_len")}

    def _lookup(self, onsets_grid: np.ndarray) -> np.ndarray | None:
        """Indices of onsets_grid into the tables (computing or widening them first), or None
        when they would span more than TABLE_LIMIT grid ticks."""
        table = self._table
        if table is None and len(onsets_grid) < 16 and self._small < 8:
            self._small += 1  # the planner's few single onsets are answered directly
            return None
        if not len(onsets_grid):
            return None
        low, high = int(onsets_grid.min()), int(onsets_grid.max())
        if table is None or low < self._first or high >= self._first + len(table["position"]):
            first = low - self.TABLE_SPAN // 4 if table is None else min(low, self._first)
            last = high + self.TABLE_SPAN if table is None else max(high + 1, self._first + len(table["position"]))
            if last - first > self.TABLE_LIMIT:
                return None
            self._first, self._table = first, self._compute(np.arange(first, last, dtype=np.int64))
        return onsets_grid - self._first

    def _compute(self, onsets_grid: np.ndarray) -> dict:
        ticks = np.asarray(onsets_grid, dtype=np.int64) * V.TICKS_PER_GRID
        since, bar = bar_positions(ticks, self.meters)
        which = np.clip(np.searchsorted(self.meters[:, 0], ticks, side="right") - 1, 0, len(self.meters) - 1)
        root, quality, next_root, next_quality = chords_at(ticks, self.chords)
        # A bar index that increases at every bar line (exact for one meter; monotonic always).
        first = self.meters[0, 0]
        bar_index = (ticks - since - first) // np.maximum(1, bar)
        return {"position": np.clip(since // V.TICKS_PER_GRID, 0, V.MAX_POSITION - 1), "key": keys_at(ticks, self.keys),
                "chord_root": root, "chord_quality": quality, "next_root": next_root, "next_quality": next_quality,
                "bar_index": bar_index, "bar_len": np.maximum(1, bar // V.TICKS_PER_GRID),
                "metric": metric_weight(since, bar, self.meters[which, 1], self.meters[which, 2])}


VOICE_ORDER = ("melody", "bass", "harmony", "drums")  # the order several voices are written in


def write_region(checkpoint: Checkpoint, score: Score, region: Region, *, style: str | None = None,
                 key: Key | None = None, chords=None, controls: Controls | None = None, temperature: float = 1.0,
                 top_p: float = 0.95, seed: int | None = None, variations: int = 1, max_notes: int | None = None,
                 bars: int | None = None, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None, replaced: Sequence[Note] = (),
                 new_parts: Sequence[int] = (), key_detected: bool = False) -> list[list[Note]]:
    """New notes for `region` of `score`, `variations` times (each a list of Note with
    generated=True, in the region's voices, sorted by onset).

    Several voices are written one after another (melody, bass, harmony, drums), each given the
    whole score and the voices already written as context, as an added part is: the first voice
    sets the span (`bars`, or `max_notes` notes) and the others fill it.

    key: a key lock (pitches outside it get probability 0) and, when the score has no key, the
    key the model is told; key_detected: the lock was detected from the music, not chosen, and
    then the tones of the chords written or given over the region are allowed too; chords: ChordSymbols to follow (default: the score's chord track);
    controls: composer.music.region.Controls; max_notes bounds the notes written per voice
    (default 32 for an open region, 256 for a bounded one); bars ends an open region after that
    many bars. replaced: the notes the region held before (their dynamics are kept, see
    composer.model.dynamics). new_parts: region voices that are parts being added whose notes before
    the region were written by the same request (a part added across a key change, a key section
    at a time: composer.generate): planned as the new parts they are (chords estimated from the
    other parts where the score has none; a harmony part plays them on every onset). Raises ValueError for a region voice that is not in the score or a
    style the model does not know; composer.model.sampling.Cancelled when cancel() turns True."""
    for v in region.voices:
        if not 0 <= v < len(score.voices):
            raise ValueError(f"region voice {v} is not a voice of the score ({len(score.voices)} voices)")
    drums = [i for i, v in enumerate(score.voices) if v.is_drum]
    # Strummed and rolled chords are read as the chords they are (composer.music.strum; the
    # caller strums the written ones as the part does), and a chord the region leaves that was
    # played from just before its end starts at the end.
    score, replaced = _placed_after(_destrummed(score, drums), region), _destrummed_notes(replaced, drums)
    # A part played well behind or ahead of the beat is read on the beat (composer.model.feel: its
    # lag comes back with the feel the caller gives the new notes).
    level = on_the_beat(score.notes, region.start, region.end, score_meters(score), drums)
    if any(a is not b for a, b in zip(level, score.notes)):
        score = score.copy(notes=level)
    if (controls is None or controls.chord_strength is None) and _new_harmony(score, region, chords, replaced):
        # (a strength the person chose stays as chosen)
        controls = replace(controls or Controls(), chord_strength=style_chord_strength(style) + NEW_HARMONY_SHIFT)
    # (the piece as the person has it: the notes being rewritten too, for a region that ends it)
    piece_end = max((n.onset + n.duration for n in [*score.notes, *replaced]), default=0)
    last = [n.pitch for n in [*score.notes, *replaced] if n.voice not in drums and n.onset + n.duration >= piece_end - 1
            and n.onset < piece_end - 1]
    common = dict(style=style, key=key, chords=chords, controls=controls, temperature=temperature, top_p=top_p,
                  new_parts=tuple(new_parts), key_detected=key_detected, piece_end=piece_end,
                  final_bass=min(last) % 12 if last else None,
                  # (one draw of the planned chords per variation, the same for every voice written)
                  harmony_seed=seed if seed is not None else random.getrandbits(32), together=frozenset(region.voices),
                  cancel=cancel)
    if len(region.voices) == 1:
        written = _write_voice(checkpoint, score, region, seed=seed, variations=variations, max_notes=max_notes,
                               original=replaced,
                               bars=bars, progress=progress, **common)
    else:
        written = _write_voices(checkpoint, score, region, seed=seed, variations=variations, max_notes=max_notes,
                                bars=bars, progress=progress, **common)
    # Velocities from the context's dynamics (composer.model.dynamics: the model learnt none).
    context = [n for n in score.notes if not region.contains(n.onset, n.voice)]
    roles = score_roles(score)  # an added harmony part sits under the tune
    dynamic = [follow_dynamics(notes, context, start=region.start, end=region.end, meters=score_meters(score),
                               drum_voices=drums, replaced=replaced, roles=roles) for notes in written]
    # A new drum part marks the phrases (composer.music.drum_phrasing: the model knows the bar, not the phrase).
    for voice in _new_drum_parts(score, region, context, drums):
        melody = [v for v, role in enumerate(roles) if role == "melody" and v not in drums]
        dynamic = [phrase_drums(notes, voice, score.meter_map(), region.start, region.end, piece_end,
                                [n for n in [*score.notes, *notes] if n.voice not in drums
                                 and (n.voice in melody or not melody)],
                                np.random.default_rng(None if seed is None else [seed, k, voice]))[0]
                   for k, notes in enumerate(dynamic)]
    # Drum hits take their drum's written length (composer.model.hit_lengths: the model wrote pitched lengths).
    # A key comes up before it is struck again, and a part that lets go of each chord before the
    # next does so with its new ones (composer.music.releases: the model writes a note's length
    # before it knows where the part's next note falls).
    return [released(drum_hit_lengths(notes, context, drums), context, frozenset(drums)) for notes in dynamic]


def _new_drum_parts(score: Score, region: Region, context: Sequence[Note], drums: Sequence[int]) -> list[int]:
    """The region's drum voices that are new parts: fewer than 8 hits of their own outside the region
    (the plain beat, _drum_groove) and no drum part beside them (then they are hand percussion)."""
    if find_drum_part(score, region.start, region.end, exclude=region.voices) is not None:
        return []
    return [v for v in region.voices if v in drums and sum(n.voice == v for n in context) < 8]


def _placed_after(score: Score, region: Region) -> Score:
    """The score with each note of a region voice that starts inside the region (one the region
    leaves: its chord counts from the region's end, Region.members) starting at the region's end,
    and left out where it is over by then (the model's view; the score keeps them as played)."""
    if region.end is None:
        return score
    notes, moved = [], False
    for n in score.notes:
        if region.contains(n.onset, n.voice):
            moved = True
            if n.end <= region.end:
                continue
            n = n.with_(onset=region.end, duration=n.end - region.end)
        notes.append(n)
    return score.copy(notes=notes) if moved else score


def _destrummed_notes(notes: Sequence[Note], drums: Sequence[int]) -> list[Note]:
    """The pitched notes' strums read as chords (composer.music.strum; a drum's flam stays two hits)."""
    pitched, _ = destrummed(n for n in notes if n.voice not in drums)
    hits = iter(pitched)
    return [n if n.voice in drums else next(hits) for n in notes]


def _destrummed(score: Score, drums: Sequence[int]) -> Score:
    notes = _destrummed_notes(score.notes, drums)
    return score if all(a is b for a, b in zip(notes, score.notes)) else score.copy(notes=notes)


def _new_harmony(score: Score, region: Region, chords, replaced: Sequence[Note]) -> bool:
    """Whether the chords over a fill (written or given) are a new harmony for its bars: the
    pitched notes it replaces that fall on strong beats (metric weight 1: the downbeat, the middle
    of a bar of an even number of beats) under a chord are chord tones less than
    priors.NEW_HARMONY_SHARE of the time (at least two such notes; a gap, a continuation: False)."""
    rows = score_chords(score, chords)
    drums = {i for i, v in enumerate(score.voices) if v.is_drum}
    old = [(n.onset, n.pitch) for n in replaced if n.voice not in drums and region.contains(n.onset, n.voice)]
    if region.end is None or rows is None or len(old) < 2:
        return False
    ticks, pitches = np.array(old, dtype=np.int64).T
    meters = score_meters(score)
    since, bar = bar_positions(ticks, meters)
    which = np.clip(np.searchsorted(meters[:, 0], ticks, side="right") - 1, 0, len(meters) - 1)
    roots, qualities, _, _ = chords_at(ticks, rows)
    hits = count = 0
    for strong, pitch, root, quality in zip(metric_weight(since, bar, meters[which, 1], meters[which, 2]) >= 1.0,
                                            pitches.tolist(), roots.tolist(), qualities.tolist()):
        tones = chord_tones(int(root), int(quality)) if strong else None
        if tones is not None:
            count += 1
            hits += bool(tones[pitch % 12])
    return count >= 2 and hits < NEW_HARMONY_SHARE * count


def _write_voices(checkpoint: Checkpoint, score: Score, region: Region, *, seed: int | None, variations: int,
                  max_notes: int | None, bars: int | None, progress: Callable[[int, int], None] | None,
                  **common) -> list[list[Note]]:
    """write_region for several voices, one after another (see there)."""
    roles = score_roles(score)
    order = sorted(region.voices, key=lambda v: (VOICE_ORDER.index(roles[v]) if roles[v] in VOICE_ORDER else 9, v))
    kept = [n for n in score.notes if not region.contains(n.onset, n.voice)]
    first, *others = order
    done = 0
    total = variations * len(order)

    def step(_d: int, _t: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    # Written in turn, voices are pulled toward their own register (a bass written after the melody
    # drifted up toward it).
    leads = _write_voice(checkpoint, score.copy(notes=kept), Region(region.start, region.end, (first,)),
                         seed=seed, variations=variations, max_notes=max_notes, bars=bars, progress=None,
                         pull_register=True, **common)
    spans = []
    for lead in leads:
        end = region.end
        if end is None:  # the span the first voice wrote, to its last bar line
            stop = max((n.end for n in lead), default=region.start + 1)
            bar = score.time_signature.bar_ticks
            end = max(region.start + 1, -(-stop // bar) * bar)
            if bars is not None:
                end = _bars_end(score, region.start, bars)
        spans.append(end)
    written = [list(lead) for lead in leads]
    done = variations
    step(0, 0)
    for offset, voice in enumerate(others, start=1):
        # Each voice is written beside every variation of the voices before it in one batched
        # pass, each variation to the end of the span its first voice set.
        new = _write_beside(checkpoint, [score.copy(notes=kept + w) for w in written],
                            [Region(region.start, end, (voice,)) for end in spans],
                            seed=None if seed is None else seed + 1000 * offset,
                            # a note count sizes the first voice; the others fill the span it set
                            max_notes=voice_fill_cap((max(spans) - region.start) / score.time_signature.bar_ticks),
                            bars=None, progress=None,
                            pull_register=True, **common)
        for i, notes in enumerate(new):
            written[i] += notes
        done += variations
        step(0, 0)
    return [sorted(notes, key=lambda n: (n.onset, -n.pitch, n.voice)) for notes in written]


def _bars_end(score: Score, start: int, bars: int) -> int:
    """The tick `bars` bar lines after `start` (the rest of its bar, then whole bars)."""
    meters = score_meters(score)
    features = ScoreFeatures(meters, None, None)
    start_g = -(-start // V.TICKS_PER_GRID)
    since = int(features(np.array([start_g]))["position"][0])
    stop = start_g - since if since == 0 else start_g - since + int(features(np.array([start_g]))["bar_len"][0])
    for _ in range(bars):
        stop += int(features(np.array([stop]))["bar_len"][0])
    return stop * V.TICKS_PER_GRID


def _write_voice(checkpoint: Checkpoint, score: Score, region: Region, *, temperature: float = 1.0,
                 top_p: float = 0.95, seed: int | None = None, variations: int = 1,
                 progress: Callable[[int, int], None] | None = None, cancel: Callable[[], bool] | None = None,
                 original: Sequence[Note] = (), **planning) -> list[list[Note]]:
    """write_region for the region's voices in one decoder pass (used for one voice); original:
    the notes the region held (a variation that gives them back is written again to differ);
    planning: _plan_voice's options."""
    plan, context, style_index = _plan_voice(checkpoint, score, region, variations=variations, **planning)
    model = evaluation_mode(checkpoint.model_for(style_index))
    memory = _encode(model, [context], style_index)
    seed = seed if seed is not None else int(torch.seed() % 2**63)  # the same draws again, if branching
    reference = _on_grid(n for n in original if n.voice in region.voices and region.contains(n.onset, n.voice))
    record = [] if variations > 1 or reference else None
    sampling = dict(temperature=temperature, top_p=top_p, seed=seed, cancel=cancel)
    results = sample_region(model, memory, plan, variations, progress=progress, record=record, **sampling)
    drums = frozenset(t.score_voice for t in plan.voices if t.role == V.ROLES.index("drums"))
    branches = branch_points(results, record or [], temperature, reference, timeless=drums)
    if branches:  # variations that came out the same leave the first where the co-writer was least sure
        results = sample_region(model, memory, plan, variations, branches=branches, **sampling)
    return _as_notes(results)


def _plan_voice(checkpoint: Checkpoint, score: Score, region: Region, *, pull_register: bool = False,
                style: str | None = None, key: Key | None = None, chords=None, controls: Controls | None = None,
                max_notes: int | None = None, bars: int | None = None, context_only: bool = False,
                new_parts: Sequence[int] = (), key_detected: bool = False, piece_end: int | None = None,
                final_bass: int | None = None, harmony_seed: int | None = None, variations: int = 1,
                first_variation: int = 0, together: frozenset[int] = frozenset()):
    """(RegionPlan, encoder Context, style index) for writing the region's voices of `score`;
    context_only: (the voice slots and the decoder's first input instead of a plan, Context, style
    index), for another version of a score whose plan is made already (_write_beside);
    harmony_seed: the draw of the chords planned where none lead (_planned_chords; None: no plan),
    for `variations` variations, the first of them variation `first_variation` of the request;
    together: the voices the request writes (parts beside the region in only these follow the plan)."""
    controls = controls or Controls()
    styles = checkpoint.styles
    if style in (None, NEUTRAL_STYLE):
        style_index = 0
    elif style in styles:
        style_index = styles.index(style)
    else:
        raise ValueError(f"unknown style {style!r}; this model knows: {', '.join(styles)}")

    start_g = -(-region.start // V.TICKS_PER_GRID)
    end_g = region.end // V.TICKS_PER_GRID if region.end is not None else None
    # The region's own notes in its voices are what is being (re)written: never context.
    kept = [n for n in score.notes if not region.contains(n.onset, n.voice)]
    array = notes_to_array(kept)
    meters = score_meters(score)
    keys = score_keys(score)
    if keys is None and key is not None:
        keys = [(0, str(key))]
    chord_rows = score_chords(score, chords)
    roles = score_roles(score)
    role_index = {i: (V.ROLES.index(r) if r in V.ROLES else V.UNKNOWN_ROLE) for i, r in enumerate(roles)}
    used = sorted(set(array[:, 4].tolist()) | set(region.voices))
    slots = {v: min(i, V.MAX_VOICES - 1) for i, v in enumerate(used)}
    steps = encode(array, meters=meters, roles=role_index, voice_slots=slots, keys=keys, chords=chord_rows)
    features = ScoreFeatures(meters, keys, chord_rows)
    bar = int(features(np.array([start_g]))["bar_len"][0])

    context = region_context(steps, start=start_g, end=end_g, voices=set(region.voices), bar=bar,
                             max_context=MAX_CONTEXT, max_after=MAX_AFTER)
    before = context.before
    first = before.take(slice(-1, None)) if len(before) else bos_step()
    if max_notes is not None:
        limit = max_notes
    elif bars is not None and end_g is None:  # enough for every voice to fill the bars
        limit = min(BARS_REQUEST_NOTES, 48 * bars * len(region.voices))
    elif end_g is None:
        limit = 32
    else:  # enough for every voice to fill the region (an added part over a whole piece)
        limit = region_fill_cap((region.end - region.start) / score.time_signature.bar_ticks, len(region.voices))
    density = int(np.clip(round(controls.density), 1, V.MAX_DENSITY)) if controls.density is not None else 0
    dec_first = decoder_inputs(first, first.take(slice(0, 0)), start=start_g, end=end_g, bar=bar, density=density)
    if context_only:
        return (slots, dec_first.matrix()[0]), context, style_index

    drums_role = V.ROLES.index("drums")
    pitched_notes = array[np.array([role_index.get(int(v)) != drums_role for v in array[:, 4]], bool)] \
        if len(array) else array
    # Other parts' notes inside a bounded region are read beside the written voice.
    beside = end_g is not None and bool(np.any((array[:, 0] >= region.start) & (array[:, 0] < region.end)
                                               & ~np.isin(array[:, 4], list(region.voices))))
    # A blues in the 12-bar form, no chords written: its own parts go on in the form, or fill its
    # bars, over the form's chords (_blues_form), not only beside parts that play there; and a
    # line that states a riff, a melody too, keeps it, moved with them.
    # (the piece as it was: not the notes this request wrote in its other voices, which the parts
    # written after the first see; a boogie's left hand, continued after its right hand's new bars,
    # had lost the form: IV I V IV I I ..., QA)
    inside = (array[:, 0] >= region.start) & ((array[:, 0] < region.end) if region.end is not None else True)
    written = array[~(inside & np.isin(array[:, 4], list(together)))]
    written = written[np.array([role_index.get(int(v)) != drums_role for v in written[:, 4]], bool)] \
        if len(written) else written
    blues, meters_map = _piece_blues(score, written)
    form = _blues_form(blues, meters_map, written, region) \
        if chord_rows is None and not np.any(inside & ~np.isin(array[:, 4], list(together | set(region.voices)))) else None
    form_features = ScoreFeatures(meters, keys, form) if form is not None else None
    targets = []
    for v in region.voices:
        own = array[array[:, 4] == v]
        role = role_index.get(v, V.UNKNOWN_ROLE)
        # The grid a written part keeps: its own notes', or the other pitched parts' for a new part.
        grid_notes = own if len(own) >= 8 else pitched_notes
        # A drum hit's written length is no note that sounds on: one hit per onset never makes a
        # drum part a single line whose next hit waits for the last one's (sampled) length.
        mono = False if role == drums_role else _monophonic(array, v)
        if mono is None:
            mono = role in (V.ROLES.index("melody"), V.ROLES.index("bass")) and controls.max_polyphony in (None, 1)
        earlier = own[own[:, 0] < region.start]
        after = own[own[:, 0] >= region.end] if region.end is not None else None
        last = earlier[np.argmax(earlier[:, 0])] if len(earlier) else None
        texture = None if role == drums_role else _texture(own, meters, region)
        comping = texture is None and role == V.ROLES.index("harmony") and not len(own)
        # A new drum part or bass beside one the piece has: another kit, another rhythm (second_part).
        percussion = _beside_drums(score, region) if role == drums_role and len(own) < 8 else None
        second_bass = _beside_bass(score, region, controls) if role == V.ROLES.index("bass") and not len(own) \
            else None
        # (not `beside`, the other parts' notes in the region, which the drum groove reads below)
        complement = _beside_harmony(score, region, controls) if comping else None
        if comping:
            # Beside a harmony part already there: another rhythm and register (not doubling it).
            top = _comping_top(pitched_notes, region) if complement is None or complement.top is None \
                else complement.top
            texture = default_comping(region.start, meters, top,
                                      None if complement is None else complement.chords_a_bar,
                                      sevenths=_sevenths_under(chord_rows, region, pitched_notes, key))
        fence = (complement.lowest, complement.highest) \
            if complement is not None and complement.lowest is not None else None
        # An accompanying part goes on with the figure it repeats, if any: a riff, or a loop of
        # chords (a piano's 4-bar loop under a long continuation had stuck on one G triad for 40
        # bars; QA).
        played = None if role == drums_role or len(own) < 8 else _played_grid(own, meters)
        riff = _ostinato(earlier, start_g, form_features or features, chord_rows is not None or form is not None,
                         moved=form is not None) \
            if (texture is not None or mono) and (role in _ACCOMPANYING or (form is not None and mono)) else None
        if riff is None and end_g is not None and (texture is not None or mono) and role in _ACCOMPANYING:
            riff = _loop_across(own, start_g, end_g, features, chord_rows is not None)  # (a fill)
        figure = _bar_figure(own, features, start_g, end_g) if texture is None and mono and role in _ACCOMPANYING \
            and riff is None else None
        # (any line but one keeping a riff or a figure, which its own priors lead: a chorale's alto
        # and tenor had repeated 75 % of their steps where their own context repeats 31 %, QA qa19 M6;
        # a root-fifth bass's fifth before the next bar's root on it is a repeat the habit took away)
        tune = (mono and role != drums_role and riff is None and figure is None) or (
            texture is not None and not comping and _top_of_texture(own, pitched_notes, v, role_index)) or (
            # (a tune played legato, its notes held a little over the next, or with a few double
            # notes: no line to _monophonic, no chords either; a one-track piano's right hand had
            # struck one pitch 5-8 times running where its take never did more than twice, QA qa29)
            role == V.ROLES.index("melody") and texture is None and riff is None and figure is None)
        completion = _completing(pitched_notes, region, v, own, start_g, end_g, key, role)
        targets.append(TargetVoice(
            slot=slots[v], score_voice=v, role=role, monophonic=bool(mono),
            last_pitch=int(last[2]) if last is not None else -1,
            busy_until=int(np.ceil((earlier[:, 0] + earlier[:, 1]).max() / V.TICKS_PER_GRID)) if len(earlier) else 0,
            # A bass or inner part with fewer than 8 notes: the whole range they span, a little
            # wider (a cello of 7 notes, D2-D3, had no register and filled its bars at D4-E4 over
            # the tune); a melody of a few notes (a short seed) stays free to find its line.
            register=fence if fence is not None else (int(np.percentile(own[:, 2], 2)), int(np.percentile(own[:, 2], 98)))
            if len(own) >= 8 else ((int(own[:, 2].min()) - FEW_NOTES_MARGIN, int(own[:, 2].max()) + FEW_NOTES_MARGIN)
                                   if len(own) and role in _ACCOMPANYING else None),
            centre=float(np.median(own[:, 2])) if len(own) >= 8 else (
                _new_part_centre(controls, role) if not len(own) else None),
            keys=tuple(sorted(set((_in_region_meter(own, region.start, meters) if role == drums_role
                                   else own)[:, 2].tolist()))) if len(own) >= 8
            else ((percussion.keys if percussion is not None else _added_kit(style, region.start, meters))
                  if role == V.ROLES.index("drums") else None),
            # The loop guard continues the voice's own line, and lets it loop where its context does.
            line=tuple(earlier[np.argsort(earlier[:, 0], kind="stable"), 2][-LOOP_LINE:].tolist()),
            loop_exempt=allowed_periods(own[np.argsort(own[:, 0], kind="stable"), 2].tolist()),
            repeats=repeat_limit(own[np.argsort(own[:, 0], kind="stable"), 2].tolist()),
            # A drum voice keeps the grid and the feel (which key on which position) of its context.
            groove=_drum_groove(own, region.start, meters, beside, None if percussion is None else percussion.keys,
                                style=style, swing=controls.grid in ("swing", "triplet") or (
                                    len(pitched_notes) >= 8 and grid_of(bar_positions(pitched_notes[:, 0], meters)[0])
                                    == GRID_STEPS["triplet"]))
            if role == drums_role else None,
            grid=None if role == drums_role else written_grid(bar_positions(grid_notes[:, 0], meters)[0]),
            played=played[0] if played else None, on_beat=played[1] if played else 0.0,
            subdivisions=played[2] if played else None,
            # A voice of block chords keeps writing chords of its context's size.
            # (a harmony part added across a key change, in a later section: still an added part)
            texture=texture, comping=comping or (v in new_parts and role == V.ROLES.index("harmony")
                                                 and texture is not None),
            under=_under_tune(pitched_notes, region, meters, None if complement is None else complement.chords_a_bar)
            if comping and complement is None and controls.highest is None else None,
            # A bass or inner line of single notes keeps its context's rhythm (a melody may vary its own).
            # (a bass made up for a new part plays a bass player's plain lines, unless a density is
            # asked: 8 a bar asked of an added bass had given 5, 12 had given 4, without a word; QA qa14 W6)
            rhythm=(_line_rhythm(own, meters, region) if len(own) or role != V.ROLES.index("bass")
                    else default_bass_line(region.start, meters,
                                           None if second_bass is None else second_bass.notes_a_bar, region.end,
                                           walking=style is not None and "jazz" in style, style=style)
                    if len(own) or controls.density is None else None)
            if texture is None and mono and role in _ACCOMPANYING else None,
            # ... and any other pitched voice (a melody) enters where its context's notes fall.
            entry=_line_rhythm(own, meters, region, entry=True) if texture is None and role != drums_role
            and not (mono and role in _ACCOMPANYING) else None,
            # ... and where it fills bars between its own notes, or goes on beside other parts
            # (where the model, which reads the voices interleaved, let a hymn's tune rest for
            # bars), moves more or less as its notes around do.
            flow=_line_rhythm(own, meters, region) if texture is None and role != drums_role
            and not (mono and role in _ACCOMPANYING) and controls.density is None
            and (region.end is not None or bool(np.any(array[:, 4] != v))) else None,
            # (moving with written or given chords)
            ostinato=riff,
            # A voice of chords holds each chord as long as its context does (where no chords are
            # written or given: those lead it then).
            # (and a line of broken triads: an Alberti left hand, an arpeggio, a root-fifth bass)
            harmony=_harmonic_rhythm(earlier, meters, region.start, step=played[0] if played else None, after=after)
            if texture is not None and not comping
            else _harmonic_rhythm(earlier, meters, region.start, BROKEN_CHORD_PCS, played[0] if played else None)
            if mono and role in _ACCOMPANYING and riff is None else None,
            # A melody holds long notes where in its 4-bar phrases its context does.
            holds=_phrase_holds(own, features, start_g, end_g) if texture is None and role != drums_role
            and not (mono and role in _ACCOMPANYING) else None,
            # ... and repeats a pitch, or goes back to the one before, about as often as its context
            # does (where no chords lead it: over chords, landing on a chord tone again is following
            # them).
            # (and so does the top line of chords that carry the tune: a hymn on one piano, whose
            # soprano had repeated 13 of 15 steps; QA qa18 H1)
            habits=line_habits(_top_line(own)) if tune and chord_rows is None else None,
            # A line keeps apart from the other parts (no unison, no crossing) as its context does.
            # ... and, an inner line among parts that strike chords together, completes their chords
            # (composer.model.completion: a chorale's alto filled alone had sung over the soprano)
            doubled=merged(_doubled(own, pitched_notes, v, start_g) if mono and role != drums_role else None,
                           None if completion is None else completion.prior),
            completion=completion,
            # ... and no parallel fifths or octaves where its context has none (a chorale's parts)
            parallels=parallel_guard_of(own, pitched_notes, v, start_g, end_g) if role != drums_role else None,
            tops=tuple(_top_line(earlier)[-2:].tolist()) if tune and chord_rows is None else (),
            # ... and a line of single notes keeps its figure (root-fifth, say) in each bar.
            figure=figure,
            # A line of single notes beside other parts recalls its own phrases (priors.recalled_note),
            # unless asked for another number of notes a bar than its own.
            recall=_recall_line(earlier, features if chord_rows is not None else None)
            if riff is None and texture is None and mono and role != drums_role
            and controls.density is None and bool(np.any(array[:, 4] != v)) else None))
    stop_at = None
    if bars is not None and end_g is None:
        # The rest of the bar the region starts in, then `bars` whole bars of the meter in force.
        since = int(features(np.array([start_g]))["position"][0])
        stop_at = start_g - since if since == 0 else start_g - since + int(features(np.array([start_g]))["bar_len"][0])
        for _ in range(bars):
            stop_at += int(features(np.array([stop_at]))["bar_len"][0])
    # Onsets count from the last note before the region; a longer rest than the model's largest
    # delta is read as that largest delta (as in training, where deltas are clamped).
    first_onset = int(first.onset[0]) if len(before) else start_g
    first_onset = max(first_onset, start_g - V.MAX_DELTA)
    final_bar = _final_bar(score, region, end_g, features, roles, piece_end)
    plan = RegionPlan(start=start_g, end=end_g, voices=targets, first=dec_first.matrix()[0],
                      first_onset=first_onset, first_pitch=int(first.pitch[0]) if len(before) else -1,
                      max_notes=limit, prefix=local_prefix(before), features_at=features, stop_at=stop_at,
                      final_bar=final_bar, final_chord=_final_chord(score, region, final_bar, roles, key, final_bass),
                      controls=controls, key=key,
                      density=density, bar=bar, start_bar=int(features(np.array([start_g]))["bar_index"][0]),
                      # a new part (no notes of its own) is pulled to the middle of its asked range
                      pull_register=pull_register or any(t.register is None and t.centre is not None for t in targets),
                      slash_basses=slash_basses(score, chords),
                      chord_pitch_classes=_chord_pitch_classes(chord_rows, region, key) | _minor_degrees(key, pitched_notes)
                      if key_detected else frozenset(),
                      blue_notes=_blue_notes(key, blues, pitched_notes) if key_detected else frozenset(),
                      chord_strength=0.0 if chord_rows is None else (
                          style_chord_strength(style) if controls.chord_strength is None else controls.chord_strength))
    # (almost) no notes of its own, or only those the request wrote before a key change: after the
    # change an added part had no chords to follow, where the score has none, and its first bar in
    # Eb major played C major's D G C or F minor's C F Ab under Eb G Bb (QA: 6 of 9 variations)
    sparse = {v for v in region.voices if np.count_nonzero(array[:, 4] == v) < 8 or v in new_parts}
    # ... and a bass or harmony part filled beside other parts playing in the gap (a melody kept),
    # unless it plays a loop there: written one after another, a filled bass and piano followed the
    # model's own chords, each another (QA qa16 M1; a bass refilled in a piece's last bars started
    # 12 of 60 bars on the piano's root, QA qa17 H1), and a piano continued after a bass took other
    # chords than it (the bass in the piano's chord at 13 of 32 onsets, qa17 H2). The parts that lead:
    # the score's own, and an accompanying part this request wrote before (a melody it wrote is the
    # model's own: beside it, a left hand keeps its harmonic rhythm).
    beside_notes = [n for n in score.notes if region.end is not None and region.start <= n.onset < region.end
                    and n.voice not in region.voices and not score.voices[n.voice].is_drum]
    leads = any(not n.generated or roles[n.voice] in ("bass", "harmony") for n in beside_notes)
    follows = {t.score_voice for t in targets if t.role in _ACCOMPANYING
               and (t.score_voice in sparse or (leads and t.ostinato is None))}
    chords_played = any(not n.generated and roles[n.voice] == "harmony" for n in beside_notes)
    # ... and a melody filled over the score's own parts playing in the gap: their chords lead it
    # as written ones would (a right hand refilled over its left hand's F | G7 broken chords had
    # held E5 over F and struck B4 on its downbeat: chord tones on 5 of 24 strong beats, QA).
    melody_over = leads and any(not n.generated for n in beside_notes) \
        and any(t.role == V.ROLES.index("melody") and t.texture is None for t in targets)
    loop = form  # (a blues in its form: the form's chords, for any part of it)
    # (a tune continued with its band too, written before it: the band goes on with the loop, and
    # the tune, told no chords, had landed on the loop's chord tones on 39 % of strong beats where
    # its own verse did on 95 %; QA qa19 H3)
    band = any(roles[v] in ("bass", "harmony") for v in np.unique(pitched_notes[:, 4]).tolist()) \
        if len(pitched_notes) else False
    if loop is None and chord_rows is None and len(pitched_notes) \
            and any(t.role in _ACCOMPANYING or (band and t.role == V.ROLES.index("melody")) for t in targets) \
            and not any(n.onset >= region.start for n in score.notes if not n.generated):
        # A band's loop continued (bass or harmony parts going on after the piece's own notes, no
        # chord symbols): the chord-tone prior follows the context's progression cycled on, for the
        # sampler only. A 4-bar Am | F | G | E loop had been continued as G major for 8 of 8
        # chords, its bass leaving the roots (QA F2). (Before the chords of the parts written by
        # this request, which are the model's own: a piano continued after a bass followed it, not
        # the loop, QA qa17 H2.)
        # (from the region's start on the grid: a piece whose last notes end a little early, as
        # played or exported ones do, ends on its bar line, and its last bar's chord counts)
        loop = progression_loop(pitched_notes[pitched_notes[:, 0] < region.start], meters, start_g * V.TICKS_PER_GRID,
                                key.pitch_classes if key is not None else None, key)
    if plan.final_bar is not None and int(features(np.array([plan.final_bar]))["position"][0]) and (
            loop is not None or any(t.texture is not None or t.comping for t in plan.voices)):
        # (a loop's own cadence ends it, not an arrival inside the last bar, _final_bar: a song's G7
        # C, both hands filled under its tune arriving on beat 3, had stopped on G7 in 3 of 4; and a
        # part of chords plays through that bar as before: arriving, an added harmony part stacked
        # its last chord from A0 and let it go after a beat, under the tune's held D5, QA)
        plan = replace(plan, final_bar=None, final_chord=None)
    if loop is not None and plan.final_bar is not None and plan.final_chord is not None:
        plan = replace(plan, final_bar=_cadence_in_bar(loop, plan.final_bar, end_g, plan.final_chord))
        loop = _ending_on(loop, plan.final_bar * V.TICKS_PER_GRID, plan.final_chord)
    if loop is not None:
        # (the piece's own chords widen a lock detected from it, as written ones do: the loop's E
        # major in A minor kept its G#)
        plan = replace(plan, prior_features_at=ScoreFeatures(meters, keys, loop), prior_chords_sure=True,
                       chord_pitch_classes=_chord_pitch_classes(loop, region, key) if key_detected else frozenset(),
                       chord_strength=style_chord_strength(style) if controls.chord_strength is None
                       else controls.chord_strength)
    # No chords written, given or looped: each variation's chords drawn from the piece's own
    # progression (composer.model.harmony_plan), which the sampler's chord priors follow as they do
    # a loop's (the model, copying the chord it last heard, held one for the bars a hymn was
    # refilled, and took an A-minor fill to C major; QA qa19 M4, M7, qa20 3); the parts this request
    # writes after the first follow the same plan, not the chords their notes suggest (a piano
    # after a bass E2 B2 under a planned E major took E minor).
    planned = _planned_chords(pitched_notes, region, meters, key, variations, harmony_seed, first_variation,
                              _triad_of(plan.final_chord) if plan.final_bar is not None else None) \
        if loop is None and chord_rows is None and harmony_seed is not None and (
            band or any(t.texture is not None or t.harmony is not None for t in targets)) \
        and not any(t.ostinato is not None or t.role == drums_role for t in targets) \
        and all(n.voice in together for n in beside_notes) else None
    if planned is not None:
        if plan.final_bar is not None and plan.final_chord is not None:
            planned = [_ending_on(rows, plan.final_bar * V.TICKS_PER_GRID, plan.final_chord) for rows in planned]
        each = tuple(ScoreFeatures(meters, keys, rows) for rows in planned)
        widened = frozenset().union(*(_chord_pitch_classes(rows, region, key) for rows in planned))
        plan = replace(plan, prior_features_at=each[0], row_prior_features=each if len(each) > 1 else None,
                       prior_chords_sure=True,
                       chord_pitch_classes=plan.chord_pitch_classes | widened if key_detected else frozenset(),
                       chord_strength=style_chord_strength(style) if controls.chord_strength is None
                       else controls.chord_strength)
    elif loop is None and chord_rows is None and (follows or melody_over) and len(pitched_notes):
        # A bass or harmony part with (almost) no notes of its own where the score has no chord
        # symbols: the chord-tone prior follows triads estimated from the other parts (bar by bar),
        # for the sampler only (the model is not told them); added basses clashed with the tune on
        # 44 % of strong beats.
        estimated, blues = _others_chords(pitched_notes, region, meters, key, roles)
        if estimated is not None:
            # In a fill beside parts playing in it, their chords are as sure as written ones: a bass
            # takes the root where one begins, a part of chords plays them, a line recalls its
            # phrases only where they sat on the same chord.
            # (an added part too, where a chordal part of the score's own plays there: its chords are
            # the piano's; an added bass had its root on beat 1 in 58-71 % of bars over a written
            # piano, QA qa17 M3)
            # (and a blues's I7, IV7 and V7, the form's own chords: an added bass under the blues
            # tune alone, its chords widening the lock but not sure, opened its Bb7 bars on the Ab)
            sure = (leads and (not (follows & sparse) or chords_played)) or blues
            # (for an added harmony part, or in a blues, their tones widen a lock detected from the
            # music, as written chords do: the parts sound them. A tune's C#5 over a bass's A1 read
            # A7 in a C major piece, and an added harmony part locked to C major played A minor or
            # C major there, 3 of 3 seeds, QA qa34; in F mixolydian a blues's C7 had no E, and the
            # part played C minor. Not for a part of the piece's own: a jazz left hand's shells,
            # refilled, doubled the widened C# of an A7 in octaves, C#2 C#3)
            widened = _chord_pitch_classes(estimated, region, key) \
                if key_detected and (blues or any(t.comping for t in plan.voices)) else frozenset()
            # (a melody over them at MELODY_OVER_PARTS_STRENGTH at least: the model is not told these
            # chords, as it is told written ones, and at the style's strength, tuned where it is,
            # a refilled right hand kept to its left hand's chords on 13-17 of 24 strong beats, a
            # waltz's tune over its oom-pah-pah on 19 of 30; at 3.0 18 of 24 and 26 of 33, as
            # people's melodies over their chords, 74.5 %: README)
            if plan.final_bar is not None and plan.final_chord is not None:  # (the piece's last chord at its end)
                estimated = _ending_on(estimated, plan.final_bar * V.TICKS_PER_GRID, plan.final_chord)
            strength = style_chord_strength(style) if not melody_over else \
                max(style_chord_strength(style), MELODY_OVER_PARTS_STRENGTH)
            plan = replace(plan, prior_features_at=ScoreFeatures(meters, keys, estimated), prior_chords_sure=sure,
                           prior_chords_led=sure, chord_pitch_classes=plan.chord_pitch_classes | widened,
                           chord_strength=strength if controls.chord_strength is None else controls.chord_strength)
            if sure:
                plan = replace(plan, voices=[replace(t, recall=_recall_line(array[(array[:, 4] == t.score_voice)
                                                                                  & (array[:, 0] < region.start)],
                                                                            plan.prior_features_at))
                                             if t.recall is not None else t for t in plan.voices])
    if plan.prior_chords_sure:
        plan = replace(plan, voices=_rooted_figures(plan.voices, array, pitched_notes, region, meters, key))
    return plan, context, style_index


def _rooted_figures(voices: list[TargetVoice], array: np.ndarray, pitched_notes: np.ndarray, region: Region,
                    meters: np.ndarray, key: Key | None) -> list[TargetVoice]:
    """The voices, a line's bar figure (not yet rooted on written chords; not broken triads)
    rooted where, under chords as sure as written ones (a loop, a plan, chords played around),
    its context starts ROOT_BASS_SHARE of its bars (FIGURE_MIN_BARS or more) on the root of the
    chord estimated there (priors.estimate_chords of the pitched notes outside the region, note
    array rows, ticks): its bars start on the sure chords' roots (BarFigure.rooted). A hymn's
    left hand, on the root of every bar of its context, opened 4 of 12 refilled bars on their
    planned chord's root, the first on the G it had held before the fill (QA qa20 4, qa22)."""
    # (not a line of broken triads: the chord tones on every onset lead it, and rooted its bars
    # kept their arpeggio's shape less often, 27 of 64 continued bars against 34)
    loose = [t for t in voices if t.figure is not None and not t.figure.root_first
             and not (t.harmony is not None and t.harmony.size >= 3)]
    if not loose or not len(pitched_notes):
        return voices
    notes = _outside_region(pitched_notes, region)
    if not len(notes):
        return voices
    rows = estimate_chords(notes[:, 0], notes[:, 1], notes[:, 2], meters,
                           key.pitch_classes if key is not None else None)
    if not len(rows):
        return voices
    rooted = {}
    for t in loose:
        own = notes[notes[:, 4] == t.score_voice]
        own = own[np.argsort(own[:, 0], kind="stable")]
        since, _ = bar_positions(own[:, 0], meters)
        firsts = own[np.r_[True, (own[1:, 0] - since[1:]) != (own[:-1, 0] - since[:-1])]]  # each bar's first note
        at = np.searchsorted(rows[:, 0], firsts[:, 0], side="right") - 1
        held = (at >= 0) & (firsts[:, 0] < rows[np.maximum(at, 0), 0] + rows[np.maximum(at, 0), 1])
        if np.count_nonzero(held) >= FIGURE_MIN_BARS and np.mean(
                firsts[held, 2] % 12 == rows[at[held], 2]) >= ROOT_BASS_SHARE:
            rooted[t.slot] = replace(t, figure=replace(t.figure, root_first=True))
    return [rooted.get(t.slot, t) for t in voices]


def _planned_chords(pitched_notes: np.ndarray, region: Region, meters: np.ndarray, key: Key | None, variations: int,
                    seed: int, first_variation: int, last: tuple[int, int] | None) -> list[np.ndarray] | None:
    """harmony_plan.planned_progression over the region (`last`: the chord its last bar ends the
    piece on, or None), from the chords (priors.estimate_chords: one triad, or where its parts
    strike seventh chords one seventh chord, a bar; two a bar where its harmony moves so: _reading)
    of the pitched notes outside it (note array rows, ticks)."""
    outside = _outside_region(pitched_notes, region)
    if not len(outside):
        return None
    key_classes = key.pitch_classes if key is not None else None
    reading = _reading(outside, meters, key)
    rows = estimate_chords(outside[:, 0], outside[:, 1], outside[:, 2], meters, key_classes, **reading)
    # (bars a note held into the region makes: not the context's)
    rows = rows[(rows[:, 0] + rows[:, 1] <= region.start) | (
        (rows[:, 0] >= region.end) if region.end is not None else False)]
    if chord_fit(rows, outside[:, 0], outside[:, 1], outside[:, 2]) < PLAN_FIT:
        return None  # (richer harmony than a chord a bar or half bar: the model's own, in its harmonic rhythm)
    return planned_progression(rows, meters, region.start, region.end, variations, seed, first_variation, last,
                               halves=reading["halves"])


def _triad_of(chord: tuple[int, frozenset[int]] | None) -> tuple[int, int] | None:
    """(root, QUALITY_INDEX of "maj" or "min") of a chord (root pitch class, pitch classes), or None
    where it holds neither third."""
    if chord is None:
        return None
    root, tones = chord
    third = 4 if (root + 4) % 12 in tones else 3 if (root + 3) % 12 in tones else None
    return None if third is None else (root, QUALITY_INDEX["maj" if third == 4 else "min"])


def _outside_region(notes: np.ndarray, region: Region) -> np.ndarray:
    """The note array rows (ticks) that start outside the region (before it, or at or after its end)."""
    if not len(notes):
        return notes
    return notes[(notes[:, 0] < region.start) | ((notes[:, 0] >= region.end) if region.end is not None else False)]


SEVENTHS_MIN_CHORDS = 8  # chords struck that tell a piece's harmony is of seventh chords ...
SEVENTHS_SHARE = 0.5  # ... this share of them seventh chords or shells over their lowest note


def _sevenths(pitched_notes: np.ndarray, meters: np.ndarray | None, key_classes: frozenset[int] | None) -> bool:
    """Whether the piece's chords are seventh chords, told from the chords its parts strike (note
    array rows, ticks): at least SEVENTHS_MIN_CHORDS of three notes or more, SEVENTHS_SHARE of
    them a third and a seventh over their lowest note, and their notes one seventh chord a bar
    (harmony_plan.in_sevenths). A tune's passing notes, which four-note templates cover better
    than three, would read a folk song as seventh chords, and two triads a bar read as one
    seventh chord (C and F as Fmaj7, C and Am as Am7) would halve a piece's harmonic rhythm."""
    if not len(pitched_notes):
        return False
    struck = pitched_notes[:, 4] * (1 << 40) + pitched_notes[:, 0]
    order = np.argsort(struck, kind="stable")
    keys, starts, counts = np.unique(struck[order], return_index=True, return_counts=True)
    chords = [pitched_notes[order[a:a + n], 2] for a, n in zip(starts, counts) if n >= 3]
    if len(chords) < SEVENTHS_MIN_CHORDS:
        return False
    over = [{int(p - c.min()) % 12 for p in c} for c in chords]
    if np.mean([bool(o & {3, 4}) and bool(o & {10, 11}) for o in over]) < SEVENTHS_SHARE:
        return False
    notes = pitched_notes[np.isin(struck, keys[counts >= 3])]
    return in_sevenths(notes[:, 0], notes[:, 1], notes[:, 2], meters, key_classes)


def _halves(pitched_notes: np.ndarray, meters: np.ndarray | None, key_classes: frozenset[int] | None,
            sevenths: bool) -> bool:
    """Whether the piece's harmony moves two chords a bar, told from the notes struck at onsets
    where three or more start together in any parts (note array rows, ticks): at least
    SEVENTHS_MIN_CHORDS such onsets, and their notes two chords a bar (harmony_plan.in_halves).
    A tune's passing notes alone are read a chord a bar."""
    if not len(pitched_notes):
        return False
    onsets, counts = np.unique(pitched_notes[:, 0], return_counts=True)
    if np.count_nonzero(counts >= 3) < SEVENTHS_MIN_CHORDS:
        return False
    notes = pitched_notes[np.isin(pitched_notes[:, 0], onsets[counts >= 3])]
    return in_halves(notes[:, 0], notes[:, 1], notes[:, 2], meters, key_classes, sevenths)


def _reading(pitched_notes: np.ndarray, meters: np.ndarray | None, key: Key | None) -> dict:
    """How the piece's chords are read (priors.estimate_chords' sevenths, halves and blues) from its
    pitched notes (note array rows, ticks) in `key`: seventh chords where its parts strike them
    (_sevenths), two chords a bar where its harmony moves so (_halves), a blues's dominant
    sevenths where its tune sounds the blue notes (blues_tonic)."""
    key_classes = key.pitch_classes if key is not None else None
    sevenths = _sevenths(pitched_notes, meters, key_classes)
    return {"sevenths": sevenths, "halves": _halves(pitched_notes, meters, key_classes, sevenths),
            "blues": blues_tonic(pitched_notes[:, 1], pitched_notes[:, 2], key) if len(pitched_notes) else None}


def _others_chords(pitched_notes: np.ndarray, region: Region, meters: np.ndarray, key: Key | None,
                   roles: list[str]) -> tuple[np.ndarray | None, bool]:
    """priors.estimate_chords of the pitched notes (note array rows, ticks) of the voices other
    than the region's, in chords that hold a bass part's note at each bar line where there is one
    (a piano continued after a bass of G2 G2 D3 G2 under a tune's whole-note F took D minor, and
    agreed with the bass on 6-8 of 16 bars); None where there are none. And whether they were
    read as a blues (priors.blues_tonic). A chord is held over a short silence of those voices
    (priors.held_over_rests)."""
    others = pitched_notes[~np.isin(pitched_notes[:, 4], list(region.voices))]
    if not len(others):
        return None, False
    basses = any(roles[v] == "bass" for v in set(others[:, 4].tolist()))
    key_classes = key.pitch_classes if key is not None else None
    # (seventh chords where the piece's harmony outside the region is of sevenths: a tune alone
    # over a gap in a jazz left hand's shells read as triads; a blues told from the other parts
    # wherever they play, as a part added to the whole piece has no notes outside its region)
    reading = _reading(_outside_region(pitched_notes, region), meters, key)
    reading["blues"] = blues_tonic(others[:, 1], others[:, 2], key)
    estimated = held_over_rests(estimate_chords(others[:, 0], others[:, 1], others[:, 2], meters, key_classes,
                                                bass_tone=basses, **reading), meters)
    return (estimated if len(estimated) else None), reading["blues"] is not None


def _pitched(score: Score, region: Region, roles: list[str]) -> np.ndarray:
    """The note array rows (ticks) of the score's notes outside the region in voices not of the
    drums role (_plan_voice's pitched notes)."""
    return notes_to_array([n for n in score.notes if not region.contains(n.onset, n.voice) and roles[n.voice] != "drums"])


# The least chord-tone prior strength (priors.chord_tone_prior) of a melody filled over the score's
# own parts playing in the gap, whose chords are estimated from them (region_writer: melody_over).
MELODY_OVER_PARTS_STRENGTH = 3.0
LOOP_BARS = (4, 8, 2)  # progression lengths a continuation cycles, the likeliest first
LOOP_AGREEMENT = 0.75  # share of bars a progression must repeat in the context to be a loop
LOOP_AHEAD = 256  # bars of a cycled progression laid ahead of a continuation


def _piece_blues(score: Score, pitched_notes: np.ndarray) -> tuple[int | None, MeterMap | None]:
    """The tonic of the blues the pitched notes outside the region (note array rows, ticks) play
    (composer.music.blues.blues_tonic_of, by the score's bars), or None; and the score's meter
    map (None without one)."""
    meter_map = getattr(score, "meter_map", None)
    if meter_map is None or not len(pitched_notes):
        return None, None
    meters = meter_map()
    return blues_tonic_of(pitched_notes[:, 0], pitched_notes[:, 1], pitched_notes[:, 2], meters), meters


def _blues_form(tonic: int | None, meters: MeterMap | None, pitched_notes: np.ndarray,
                region: Region) -> np.ndarray | None:
    """Chord rows (onset, duration, root, quality; ticks), bar by bar the chord of the 12-bar
    form (composer.music.blues.twelve_bar_phase), for the bars of `meters` that hold the pitched
    notes outside the region (note array rows, ticks) and every bar from the region's start to
    its end (a continuation: LOOP_AHEAD bars on), where those notes are a blues on `tonic`
    (_piece_blues) whose bars keep to that form, its I7, IV7 and V7; or, `tonic` None, a minor
    blues in it (composer.music.blues.minor_blues_form), its im7, ivm7 and V7 or vm7; None
    otherwise. A boogie riff continued had copied its last bars' order (IV I V IV I V, bars
    13-18), and a fill of its bars 5-6 played the riff on I or V, or runs in F major: the form
    says the next chorus opens on I, and bars 5-6 are IV; a minor blues riff likewise (QA).
    (Only bars with notes or in the region: a stray note 16 days on had listed 699,308 bar
    lines, ~50 ms a voice.)"""
    if meters is None or len(pitched_notes) < 16:
        return None
    onsets, durations, pitches = pitched_notes[:, 0], pitched_notes[:, 1], pitched_notes[:, 2]
    dominant = QUALITY_INDEX["dom7"]
    if tonic is not None:
        phase = twelve_bar_phase(blues_bar_roots(onsets, durations, pitches, meters, tonic))
        qualities = {0: dominant, 5: dominant, 7: dominant}
    else:
        minor = minor_blues_form(onsets, durations, pitches, meters)
        if minor is None:
            return None
        tonic, phase, dominant_five = minor
        qualities = {0: QUALITY_INDEX["min7"], 5: QUALITY_INDEX["min7"],
                     7: dominant if dominant_five else QUALITY_INDEX["min7"]}
    if phase is None:
        return None
    # (the context's bars too: a riff there is read over them, _ostinato)
    end = region.end if region.end is not None else region.start + LOOP_AHEAD * meters.at(region.start).bar_ticks
    starts = {meters.bar_span(onset)[0] for onset in np.unique(onsets).tolist() if onset < end}
    bar = meters.bar_span(region.start)
    while bar[0] < end:
        starts.add(bar[0])
        bar = meters.bar_span(bar[1])
    rows = []
    for start in sorted(starts):
        bar_start, bar_end = meters.bar_span(start)
        step = twelve_bar_root(max(meters.bar_index(bar_start), 0), phase)
        rows.append((bar_start, bar_end - bar_start, (tonic + step) % 12, qualities[step]))
    return np.array(rows, dtype=np.int64).reshape(-1, 4) if rows else None


def progression_loop(notes: np.ndarray, meters: np.ndarray, start: int,
                     key_classes: frozenset[int] | None, key: Key | None = None) -> np.ndarray | None:
    """Chord rows (onset, duration, root, quality; ticks) from `start` on: the progression of the
    context's last LOOP_BARS bars (estimated bar by bar, or by half bars where its harmony moves
    so: priors.estimate_chords, _reading) cycled on, where the context is that progression stated
    once (the whole context L bars long) or its last bars after a first L (L / 2 or more, up to L)
    repeat the L before them in LOOP_AGREEMENT of the bars; None otherwise (a piece going somewhere, not round). notes: the pitched notes before
    `start` (note array rows, ticks)."""
    chords = estimate_chords(notes[:, 0], notes[:, 1], notes[:, 2], meters, key_classes,
                             **_reading(notes, meters, key)) if len(notes) else None
    if chords is None or not len(chords):
        return None
    chords = chords[chords[:, 0] + chords[:, 1] <= start]
    # each bar's chords: ((share of the bar it starts at, root, quality), ...)
    since, length = bar_positions(chords[:, 0], meters)
    bars: list[tuple] = []
    for bar_start in np.unique(chords[:, 0] - since).tolist():
        mine = chords[:, 0] - since == bar_start
        bars.append(tuple((float(at / bar), int(root), int(quality)) for at, bar, root, quality in zip(
            since[mine].tolist(), length[mine].tolist(), chords[mine, 2].tolist(), chords[mine, 3].tolist())))
    for loop_bars in LOOP_BARS:
        # (or stated once and half again: the last two bars of a C F | G C | Am Dm | G7 C song
        # played twice, filled, had been planned afresh, C F | C, the loop's V chord lost; QA qa31)
        again = len(bars) - loop_bars
        if len(bars) == loop_bars or (again >= max(1, loop_bars // 2) and np.mean(
                [a == b for a, b in zip(bars[-min(again, loop_bars):], bars[-loop_bars - min(again, loop_bars):-loop_bars])])
                >= LOOP_AGREEMENT):
            cycle = bars[-loop_bars:]
            break
    else:
        return None
    rows, onset = [], start
    for i in range(LOOP_AHEAD):
        since_bar, bar = bar_positions(np.array([onset], dtype=np.int64), meters)
        size = int(bar[0]) - int(since_bar[0])  # (the first from `start`, which may fall inside a bar)
        pattern = cycle[i % len(cycle)]
        cuts = [int(round(at * int(bar[0]))) - int(since_bar[0]) for at, _, _ in pattern] + [size]
        for k, (_, root, quality) in enumerate(pattern):
            if cuts[k + 1] > max(cuts[k], 0):
                rows.append((onset + max(cuts[k], 0), cuts[k + 1] - max(cuts[k], 0), root, quality))
        onset += size
    return np.array(rows, dtype=np.int64)


ARRIVAL_ONSETS = 3  # most onsets of the other parts in a piece's last bar that still arrive on its last
ARRIVAL_BEATS = 2  # ... whose last note is held this many beats (or to the piece's end)


def _final_bar(score: Score, region: Region, end_g: int | None, features, roles: list[str],
               piece_end: int | None = None) -> int | None:
    """The last bar's downbeat, or where the parts arrive in it (grid tick), of a region that ends
    the piece: the piece sounds in
    that bar (its notes in `score`, or those the region rewrites: piece_end, ticks) and no note
    sounds past the region (a part added to a whole piece, the last bars filled), and the other
    pitched parts end there (one onset in the bar at most), or arrive there on a held last note
    (its onset then: up to ARRIVAL_ONSETS in the bar, the last held ARRIVAL_BEATS beats or to the
    end), else None (sampling.RegionPlan.final_bar).
    A continuation past the piece is not its end: the music goes on; nor is a last bar the band
    plays through (a bass refilled to the end of a song whose piano and drums keep going had held
    one note, 15 of 15 variations; QA qa17 M2). roles: score_roles(score)."""
    own = [n for n in score.notes if not n.generated]
    end = max([n.onset + n.duration for n in own] + ([piece_end] if piece_end is not None else []), default=None)
    if end_g is None or end is None or max((n.onset + n.duration for n in score.notes), default=0) > end_g * V.TICKS_PER_GRID:
        return None
    final = int(end_g - 1 - int(features(np.array([end_g - 1]))["position"][0]))
    if end <= final * V.TICKS_PER_GRID:
        return None
    others = [n for n in score.notes if n.onset >= final * V.TICKS_PER_GRID and roles[n.voice] != "drums"
              and n.voice not in region.voices]
    onsets = {n.onset for n in others}
    if len(onsets) <= 1:
        return final
    # ... or where they arrive in it: a last note after a note or two, held ARRIVAL_BEATS or to the
    # end (a tune's E5 on the downbeat, then D5 held: an added bass had walked through the bar, E2
    # E2 B2 E2 under the final D5, QA), not a bar the band plays through
    arrival = max(onsets)
    held = max(n.onset + n.duration for n in others if n.onset == arrival)
    beat = score.meter_map().at(arrival).beat_ticks
    if len(onsets) <= ARRIVAL_ONSETS and (held - arrival >= ARRIVAL_BEATS * beat or held >= end):
        return arrival // V.TICKS_PER_GRID
    return None


def _cadence_in_bar(rows: np.ndarray, final_bar: int, end_g: int | None, chord: tuple[int, frozenset[int]]) -> int:
    """Where a loop cycled into the last bar arrives on the piece's last chord (grid tick): the
    last bar's second chord where the loop plays two there, the last of them that chord and the
    first another (G7 C: the cadence inside the bar), else the bar's downbeat (final_bar). Arriving
    on the downbeat, a C F | G C | Am Dm | G7 C song's last two bars filled ended Am Dm | C, the
    dominant lost (QA qa31). rows: chord rows (onset, duration, root, quality; ticks); end_g: the
    region's end (grid tick), which the second chord starts before."""
    triad = _triad_of(chord)
    tick = final_bar * V.TICKS_PER_GRID
    here = rows[(rows[:, 0] + rows[:, 1] > tick)][:2]
    if triad is None or len(here) < 2 or here[0, 0] > tick or (int(here[1, 2]), int(here[1, 3])) != triad \
            or (int(here[0, 2]), int(here[0, 3])) == triad or here[1, 0] % V.TICKS_PER_GRID \
            or end_g is None or here[1, 0] >= end_g * V.TICKS_PER_GRID:
        return final_bar
    return int(here[1, 0]) // V.TICKS_PER_GRID


def _ending_on(rows: np.ndarray, tick: int, chord: tuple[int, frozenset[int]]) -> np.ndarray:
    """Chord rows (onset, duration, root, quality; ticks) with the one sounding at `tick` and after
    it the piece's last chord (sampling.RegionPlan.final_chord), as a major or minor triad (left
    as they are where it is neither): a band's loop cycled into a fill of its last bars had ended
    the song on its IV (F under a C major song, in 3 of 3; QA qa20)."""
    triad = _triad_of(chord)
    if triad is None:
        return rows
    # (the chord sounding at `tick` cut there where it began before: a tune that arrives on beat 2
    # of its last bar, _final_bar, keeps its first beat's chord)
    rows = rows.copy()
    across = (rows[:, 0] < tick) & (rows[:, 0] + rows[:, 1] > tick)
    if across.any():
        cut = rows[across].copy()
        rows[across, 1] = tick - rows[across, 0]
        cut[:, 1] -= tick - cut[:, 0]
        cut[:, 0] = tick
        rows = np.concatenate([rows, cut])
        rows = rows[np.argsort(rows[:, 0], kind="stable")]
    last = rows[:, 0] >= tick
    rows[last, 2], rows[last, 3] = triad
    return rows


def _final_chord(score: Score, region: Region, final_bar: int | None, roles: list[str], key: Key | None,
                 final_bass: int | None) -> tuple[int, frozenset[int]] | None:
    """The chord (root pitch class, pitch classes) the parts written into a region that ends the
    piece end on (sampling.RegionPlan.final_chord): the one the piece's own other parts sound on
    the last bar's downbeat (its lowest note as the root: a flute refilled alone over a band
    holding G had held A5, C6 or E6), else the key's tonic triad, or its relative's where the
    piece's own last bass note (`final_bass`, pitch class: the notes rewritten count) is that
    one's tonic (a tune in A minor with no G#, whose notes read C major, had ended in C major);
    None without a key."""
    if final_bar is None:
        return None
    tick = final_bar * V.TICKS_PER_GRID
    sounding = [n for n in score.notes if n.onset <= tick < n.onset + n.duration and n.voice not in region.voices
                and roles[n.voice] != "drums" and not n.generated]  # (not the parts this request wrote before)
    held = [n.pitch for n in sounding]
    tonic = None
    if key is not None:
        tonic = tonic_triad(key)
        if key.scale in ("major", "minor"):
            relative = Key((key.tonic + (9 if key.scale == "major" else 3)) % 12, "minor" if key.scale == "major" else "major")
            if final_bass == relative.tonic:
                tonic = tonic_triad(relative)
    # (a tune's last note alone is no chord: on a note of the tonic triad, that triad; a tune
    # ending on D5 in D major had made D alone the chord, and an added bass took the estimate's E)
    if held and not (tonic is not None and all(roles[n.voice] == "melody" for n in sounding)
                     and {p % 12 for p in held} <= tonic[1]):
        return min(held) % 12, frozenset(p % 12 for p in held)
    return tonic


_ACCOMPANYING = (V.ROLES.index("bass"), V.ROLES.index("harmony"))
LOOP_LINE = 192  # a line's last context pitches the loop guard continues (4 statements of its longest figure)
FEW_NOTES_MARGIN = 2  # semitones beyond a few notes' range (sampling's REGISTER_MARGIN is added too)
LINE_RHYTHM_BARS = 4  # bars a line of fewer than 8 notes must play in for its rhythm to be kept


def _without_cadence(own: np.ndarray, meters: np.ndarray, region: Region) -> np.ndarray:
    """A voice's context notes (note array rows, ticks) without its final cadence where the
    region starts after it: the last bar it plays, when that bar holds a single onset (a
    note or chord) held to the bar line and at least MIN_RHYTHM_BARS bars of the voice come before
    it. A piece's last chord is its ending, not its texture, yet as the bar nearest the region it
    weighed most (recency_weights): a waltz left hand of oom-pah-pah bars ending on a dotted-half
    chord was continued as one note held a bar (37 of 48 bars, QA F16)."""
    if len(own) < 2 or own[:, 0].max() >= region.start:  # (a voice going on after the region: no ending)
        return own
    last = int(own[:, 0].max())
    since, bar = bar_positions(np.array([last], dtype=np.int64), meters)
    bar_start = last - int(since[0])
    final = own[:, 0] >= bar_start
    if np.any(own[final, 0] != last) or (own[final, 0] + own[final, 1]).max() < bar_start + int(bar[0]) - V.TICKS_PER_GRID:
        return own
    rest = own[~final]
    if len(rest) < 2 or len(np.unique(rest[:, 0] - bar_positions(rest[:, 0], meters)[0])) < MIN_RHYTHM_BARS:
        return own
    return rest


HARMONY_BARS = 8  # bars of a chordal voice's context before the region that tell its harmonic rhythm


# A line of single notes keeps a harmonic rhythm where its spans hold a triad or less, and those
# of a triad (HARMONY_SHARE of them): a line of broken chords. An Alberti left hand continued beside
# its tune kept its figure in 7-10 of 32 bars, its middle note on no chord of the bar (F C D C
# under F). A walking bass (four pitch classes a bar, passing tones among them) is left to its figure.
BROKEN_CHORD_PCS = 3


def _harmonic_rhythm(earlier: np.ndarray, meters: np.ndarray, start: int, most: int | None = None,
                     step: int | None = None, after: np.ndarray | None = None):
    """priors.harmonic_rhythm_of a chordal voice's last HARMONY_BARS bars before the region
    (earlier: its note array rows before the region's start, ticks), with those notes of its
    last bar kept to tell what the span the region starts in already holds; most: None where
    the spans hold more pitch classes than this. step: the grid (grid units) a played part keeps
    near (priors.played_grid), each note read at its nearest point: a played waltz's bass on one,
    up to 25 ticks early, was read in the bar before, its spans read as half bars that do not
    stand on their roots, and its new downbeat basses were the root in 28 % of bars, outside the
    chord in 17 % (QA qa28). after: a chordal part's notes after a fill (note array rows), whose
    first HARMONY_BARS bars count too: a fill of a waltz's bars 3-4 had two bars before it, too
    few spans to tell, and its new bass on one was a first inversion or outside the chord. (Not
    for a line of single notes: read with the bars after it, an oboe doubling a flute read as
    broken chords and doubled it less.)"""
    if not len(earlier):
        return None
    bar, numerator, _ = _meter_at(start, meters)
    near = earlier[earlier[:, 0] >= start - HARMONY_BARS * bar]
    if after is not None and len(after):
        near = np.concatenate([near, after[after[:, 0] < after[:, 0].min() + HARMONY_BARS * bar]])
    ticks = near[:, 0] if not step else np.rint(near[:, 0] / (step * V.TICKS_PER_GRID)).astype(np.int64) \
        * step * V.TICKS_PER_GRID
    since, bar_ticks = bar_positions(ticks, meters)
    found = harmonic_rhythm_of(ticks, near[:, 2], since, bar_ticks, numerator)
    if found is None or (most is not None and (found.size > most or found.fit < HARMONY_SHARE)):
        return None
    last = near[near[:, 0] >= start - bar]
    return replace(found, recent=tuple((int(round(o / V.TICKS_PER_GRID)), int(p))
                                       for o, p in zip(last[:, 0], last[:, 2])))


def _outside(own: np.ndarray, start: int, end: int | None) -> tuple[np.ndarray, np.ndarray]:
    """A voice's note onsets in grid units (own: note array rows, ticks) and which of them fall
    outside the region (start, end: grid units, end None for an open one)."""
    grid = np.rint(own[:, 0] / V.TICKS_PER_GRID).astype(np.int64)
    return grid, (grid < start) | (grid >= end if end is not None else False)


def _phrase_holds(own: np.ndarray, features, start: int, end: int | None):
    """priors.phrase_holds of a melody's notes outside the region (own: its note array rows, ticks;
    start, end: the region's bounds in grid units, end None for an open one)."""
    grid, outside = _outside(own, start, end)
    if not outside.any():
        return None
    return phrase_holds(features(grid[outside])["bar_index"], np.rint(own[outside, 1] / V.TICKS_PER_GRID))


def _bar_figure(own: np.ndarray, features, start: int, end: int | None):
    """priors.bar_figure_of a line's notes within FIGURE_BARS bars of the region, before it and
    (a fill) after it (own: its note array rows, ticks; features: the region's features_at; start,
    end: the region's bounds, grid units, end None for an open one), with its notes in the bar the
    region starts in."""
    grid, outside = _outside(own, start, end)
    if np.count_nonzero(outside) < 8:
        return None
    order = np.argsort(grid, kind="stable")
    order = order[outside[order]]
    grid, pitches = grid[order], own[order, 2]
    at = features(grid)
    first = int(features(np.array([start]))["bar_index"][0])
    last = int(features(np.array([end - 1]))["bar_index"][0]) if end is not None else first
    near = (at["bar_index"] >= first - FIGURE_BARS) & (at["bar_index"] <= last + FIGURE_BARS)
    if not np.any(own[:, 0] >= start * V.TICKS_PER_GRID):
        near &= at["bar_index"] < at["bar_index"].max()  # (going on after its last bar: its ending, not its figure)
    found = bar_figure_of(at["bar_index"][near], at["position"][near], at["bar_len"][near], pitches[near])
    if found is None:
        return None
    # (its bars' first notes against the chords written or given there, if any)
    firsts = np.flatnonzero(near & np.r_[True, at["bar_index"][1:] != at["bar_index"][:-1]])
    chorded = firsts[at["chord_root"][firsts] < 12]
    if len(chorded) >= FIGURE_MIN_BARS:
        found = replace(found, root_first=bool(np.mean(pitches[chorded] % 12 == at["chord_root"][chorded])
                                              >= ROOT_BASS_SHARE))
    return replace(found, recent=tuple((int(o), int(p)) for o, p, b in zip(grid, pitches, at["bar_index"])
                                       if b == first and o < start))


def _texture(own: np.ndarray, meters: np.ndarray, region: Region):
    """priors.texture_of a pitched voice's context notes (own: note array rows), the rhythm it
    plays near the region weighing most (a part that changed rhythm goes on in the new one), its
    final cadence left out (_without_cadence)."""
    own = _without_cadence(own, meters, region)
    since, bar_ticks = bar_positions(own[:, 0], meters)
    return texture_of(np.rint(own[:, 0] / V.TICKS_PER_GRID), own[:, 2], (since, bar_ticks, own[:, 0]),
                      np.rint(own[:, 1] / V.TICKS_PER_GRID),
                      recency_weights(own[:, 0], bar_ticks, region.start, region.end))


def _line_rhythm(own: np.ndarray, meters: np.ndarray, region: Region, entry: bool = False):
    """priors.line_rhythm_of a line's context notes (own: note array rows), the bars near the
    region weighing most, its final cadence left out (_without_cadence); None with fewer than 8
    notes in fewer than LINE_RHYTHM_BARS bars, unless it is for the line's first note (entry:
    where a line that plays every beat enters after a rest is clear from two bars; a fill of a
    4-bar piece's right hand started one or two beats late in 5 of 10 variations, QA F3)."""
    own = _without_cadence(own, meters, region)
    if len(own) < 2:
        return None
    since, bar_ticks = bar_positions(own[:, 0], meters)
    # A whole-note bass plays one note a bar: 6 of them around a 2-bar fill of an 8-bar sketch are
    # 6 bars of evidence, and without the prior the fill moved in quarters and eighths (QA).
    if not entry and len(own) < 8 and len(np.unique(own[:, 0] - since)) < LINE_RHYTHM_BARS:
        return None
    return line_rhythm_of((since, bar_ticks, own[:, 0]), np.rint(own[:, 1] / V.TICKS_PER_GRID),
                          recency_weights(own[:, 0], bar_ticks, region.start, region.end))


def _drum_groove(own: np.ndarray, start: int, meters: np.ndarray, beside: bool,
                 percussion: tuple[int, ...] | None = None, swing: bool = False,
                 style: str | None = None) -> GrooveProfile:
    """The groove a drum voice keeps: its context notes' (own: note array rows), weighted
    BESIDE_WEIGHT when other parts sound beside it in the region; the default beat for a voice
    with fewer than 8 notes (on `percussion`'s keys beside a drum part, swung or not:
    default_groove; in a groove_* style, its measured beat, one key per limb: style_beats).
    (Groove styles' per-key profiles measured on the Groove MIDI Dataset steered a new part for an
    hour on 30 Nov: closer to each style's onset statistics, but a pop part without a kick or
    backbeat and jazz parts needing three or four hands at once, QA qa14 D1/D2.)"""
    if len(own) < 8:
        default = default_groove(start, meters, percussion, swing, style)
        default = replace(default, weight=BESIDE_WEIGHT) if beside else default
        # The model, which learnt drums from straight grooves alone, skips a swung off-beat for
        # the next beat at odds the usual weight does not overcome: under a quarter-note tune 1
        # swung hat in 16 beats; weight x2 2-3; x3 14-16 (and 23-28 of 28 under a lead sheet).
        # (and a style's beat played on triplets: jazz's, Afro-Cuban's)
        meter = _meter_at(start, meters)[1:]
        measured = percussion is None and style_beat(style, *meter)
        if swing or (measured and swung(style, *meter)):
            return replace(default, weight=default.weight * SWING_WEIGHT)
        return replace(default, weight=default.weight * STYLE_BEAT_WEIGHT) if measured else default
    own = _in_region_meter(own, start, meters)
    profile = groove_profile(*bar_positions(own[:, 0], meters), own[:, 2], own[:, 0])
    return replace(profile, weight=BESIDE_WEIGHT) if beside else profile


def _added_kit(style: str | None, start: int, meters: np.ndarray) -> tuple[int, ...]:
    """The keys a new drum part plays: STANDARD_KIT and its groove style's beat's (the hi-hat foot
    of jazz and Latin) where it has a measured beat in the meter at `start`."""
    beat = style_beat(style, *_meter_at(start, meters)[1:])
    keys = {k for _, k in beat or ()}
    kit = set(STANDARD_KIT) | keys
    if PEDAL_HAT in keys and not keys & set(STICK_HATS):
        # a beat whose hi-hat is the foot's alone (jazz, Latin): no hi-hat under the sticks either (a
        # jazz waltz drew an eighth-note hat in one bar of 24 with weights trained longer)
        kit -= set(STICK_HATS)
    return tuple(sorted(kit))


def _in_region_meter(own: np.ndarray, start: int, meters: np.ndarray) -> np.ndarray:
    """A drum voice's context notes (note array rows, ticks) in bars as long as the bar at `start`
    when there are 8 or more, else all of them. Where the meter changes, a drum part keeps the
    groove and the kit of the bars in the region's meter: a 3/4 section (kick, hi-hats) after 4/4
    bars (kick, snare, hi-hats) was continued with the 4/4 bars' snare on beat 2 (QA)."""
    same = bar_positions(own[:, 0], meters)[1] == bar_positions(np.array([start], dtype=np.int64), meters)[1][0]
    return own[same] if np.count_nonzero(same) >= 8 else own


def _new_part_centre(controls: Controls, role: int) -> float | None:
    """Where a pitched voice with no notes of its own is pulled: the middle of the pitch range asked
    for it (composer.request.add_part gives a new bass and counter-melody one), None without one.
    Its first note is chosen before the decoder has seen the part's role, and a bass numbered as
    the second voice of the score looks like an alto to the model: it wrote C4-E4 "bass" lines,
    and with only a ceiling it hugged the ceiling."""
    if role == V.ROLES.index("drums") or controls.lowest is None or controls.highest is None:
        return None
    return (controls.lowest + controls.highest) / 2


def _ostinato(earlier: np.ndarray, start: int, features, chords: bool, moved: bool = False) -> Ostinato | None:
    """The figure a line's notes before the region (rows onset, duration, pitch, ... in ticks)
    repeat bar for bar up to the bar line at or before `start` (grid ticks), if any
    (priors.find_ostinato); chords: the score has chords (written or given), which the figure's
    notes then move with; moved: a figure moved with them bar by bar counts (a blues riff)."""
    if len(earlier) < 2 * OSTINATO_STATEMENTS:
        return None
    at = features(np.array([start]))
    end = start - int(at["position"][0])
    order = np.lexsort((-earlier[:, 2], earlier[:, 0] // V.TICKS_PER_GRID))  # a chord's notes top down
    riff = find_ostinato(earlier[order, 0] // V.TICKS_PER_GRID, earlier[order, 2], end, int(at["bar_len"][0]),
                         root_at=(lambda onsets: chord_roots(features, onsets)) if chords else None,
                         third_at=(lambda onsets: chord_thirds(features, onsets)) if chords else None,
                         moved=moved, lengths=np.rint(earlier[order, 1] / V.TICKS_PER_GRID).astype(np.int64))
    if riff is not None and chords and riff.roots is not None and max(riff.roots) < 0 \
            and (chord_roots(features, start + np.arange(riff.period)) >= 0).any():
        # Chords given over the region, none known under the figure: nothing to move it by, and
        # kept as it was it overruled them (a piano loop played 3 of 8 given chords; QA).
        return None
    return riff


def _loop_across(own: np.ndarray, start: int, end: int, features, chords: bool) -> Ostinato | None:
    """priors.find_loop of a part's notes outside a fill [start, end) (rows onset, duration, pitch,
    ... in ticks; start, end in grid ticks), in one meter; chords as for _ostinato."""
    if len(own) < 8:
        return None
    grid = own[:, 0] // V.TICKS_PER_GRID
    at = features(np.concatenate([grid, [start, end - 1]]))
    if len(np.unique(at["bar_len"])) != 1:  # (bars of one length only)
        return None
    order = np.lexsort((-own[:, 2], grid))  # a chord's notes top down
    loop = find_loop(grid[order], own[order, 2], start, end, int(at["bar_len"][0]), start - int(at["position"][-2]),
                     root_at=(lambda onsets: chord_roots(features, onsets)) if chords else None,
                     third_at=(lambda onsets: chord_thirds(features, onsets)) if chords else None)
    if loop is not None and loop.roots is not None and max(loop.roots) < 0 \
            and (chord_roots(features, np.arange(start, end)) >= 0).any():
        return None  # (chords given over the gap, none known under the loop: _ostinato's reason)
    return loop


def _chord_pitch_classes(chord_rows: np.ndarray | None, region: Region, key: Key | None) -> frozenset[int]:
    """The pitch classes of the chords written or given over the region (rows onset, duration,
    root, quality in ticks) that the key lock lacks, for a lock detected from the music (a key a
    person chose stays as chosen). A detected lock is the key of the notes: a tune in A minor
    without a G# locked an E7 bar to G natural, comped as E minor or A minor under a chord symbol
    that says E7 (16 of 16 chords; QA); a chord a person wrote is harmony."""
    if chord_rows is None or key is None or not len(chord_rows):
        return frozenset()
    onsets, ends = chord_rows[:, 0], chord_rows[:, 0] + chord_rows[:, 1]
    over = (ends > region.start) & (True if region.end is None else onsets < region.end)
    tones: set[int] = set()
    for root, quality in chord_rows[over, 2:4].tolist():
        chord = chord_tones(int(root), int(quality))
        if chord is not None:
            tones |= set(np.flatnonzero(chord).tolist())
    return frozenset(tones - key.pitch_classes)


# A minor key's sixth and seventh degrees come natural and raised (G and G# in A minor: G major
# and E major chords), and a detected lock is one seven-note scale: where the gap of a fill held
# the piece's E major bars, the notes around it fitted natural A minor, and the fills played no
# G# (0 in 9 variations; the piece plays 11), no E chord, no cadence (QA qa19 H1). Each such
# degree the context plays at least MINOR_DEGREE_NOTES times is allowed too.
MINOR_DEGREES = (8, 9, 10, 11)  # semitones over the tonic: the sixth and the seventh, natural and raised
MINOR_DEGREE_NOTES = 2
_MINOR_LOCKS = ("minor", "harmonic_minor", "melodic_minor", "dorian")


def _minor_degrees(key: Key | None, notes: np.ndarray) -> frozenset[int]:
    """The sixth and seventh degrees of a minor `key` (natural or raised) outside its scale that
    the context's pitched notes (rows onset, length, pitch, ...) play at least MINOR_DEGREE_NOTES
    times; none for another key."""
    if key is None or key.scale not in _MINOR_LOCKS or not len(notes):
        return frozenset()
    counts = np.bincount(notes[:, 2] % 12, minlength=12)
    return frozenset(pc for pc in ((key.tonic + d) % 12 for d in MINOR_DEGREES)
                     if pc not in key.pitch_classes and counts[pc] >= MINOR_DEGREE_NOTES)


# A blues's lock is its tonic's major or mixolydian (request.estimated_key), and a riff's blue
# notes lie outside it: b3 over I (Eb in C), and over IV and V their own (Ab over F7). A boogie in
# C continued locked to C mixolydian could not play its riff and ran up and down C major for the
# next chorus (seeds 1-2: 0 of 96 notes a blue third; with --key off it kept the riff), and a fill
# of its IV bars could not move the riff there. The blue thirds of I, IV and V, and the other
# notes of their cells (composer.music.blues.BLUES_CELL) that the context plays at least
# MINOR_DEGREE_NOTES times, are in its key.
def _blue_notes(key: Key | None, blues: int | None, notes: np.ndarray) -> frozenset[int]:
    """The pitch classes outside `key` of the blues chords on I, IV and V: their blue (minor)
    thirds, and the other notes of their cells (BLUES_CELL) that the context's pitched notes (rows
    onset, length, pitch, ...) play at least MINOR_DEGREE_NOTES times, where they are a blues
    (_piece_blues: its tonic `blues`) on the key's tonic; none otherwise. (Not a major piece's
    notes that only sound its tonic's blue notes: a G major song that goes to Eb major sounds Bb
    and F, and a part added to its G major bars had played them.)"""
    if key is None or blues is None or blues != key.tonic or not len(notes):
        return frozenset()
    counts = np.bincount(notes[:, 2] % 12, minlength=12)
    cells = {(key.tonic + step + tone) % 12 for step in BLUES_STEPS for tone in BLUES_CELL}
    thirds = {(key.tonic + step + 3) % 12 for step in BLUES_STEPS}
    return frozenset(pc for pc in cells if pc not in key.pitch_classes
                     and (pc in thirds or counts[pc] >= MINOR_DEGREE_NOTES))


def _played_grid(own: np.ndarray, meters: np.ndarray) -> tuple[int, float, np.ndarray | None] | None:
    """(priors.played_grid, priors.on_beat_pull, priors.unplayed_subdivisions) of a part's notes
    (rows onset, ... in ticks), or None; for a part not written on a grid (written_grid None:
    checked first where both are set)."""
    since, _ = bar_positions(own[:, 0], meters)
    since = np.rint(np.asarray(since) / V.TICKS_PER_GRID).astype(np.int64)
    step = played_grid(since)
    return None if step is None else (step, on_beat_pull(since, step), unplayed_subdivisions(since, step))


# A line keeps apart from the other parts as its context does: where it sings no unison with a
# part (at no more than APART_SHARE of its last APART_CONTEXT notes that sound with it), that
# part's pitch costs it UNISON_PENALTY nats (composer.model.sampling); where it never crosses a
# part above or below it, so does every pitch past that part's. A chorale's alto and tenor,
# written in turn, sang a unison with a neighbour at 40 % of the onsets where the chorale never
# does (QA qa19 M6), and, kept from unisons alone, crossed their neighbours twice as often.
APART_SHARE = 0.05
APART_CONTEXT = 64
APART_MIN_NOTES = 8  # notes of the line sounding with a part, to tell how it keeps apart from it
# ... and a line that doubles a part (DOUBLE_SHARE of those notes start with the part's and
# sound its pitch at one interval: unison or octaves) gets DOUBLE_BONUS nats on that pitch at
# each of the part's onsets. An oboe in unison with the flute at 16 of 16 notes, refilled alone,
# doubled it at 2-4 of 16 and sat above it at 2-6; a violin an octave under it at 0-3 (QA qa20 6).
DOUBLE_SHARE = 0.75
DOUBLE_BONUS = 6.0
DOUBLINGS = (0, -12, 12, -24, 24)


def _doubled(own: np.ndarray, pitched: np.ndarray, voice: int, start_g: int) -> tuple[int, np.ndarray] | None:
    """(first grid tick, (N_PITCH, span) float32 log-prior offsets of the line's pitches at each
    grid tick from the region's start on: -UNISON_PENALTY on those that would double or cross
    another part of `pitched` where the line of notes `own` (rows onset, length, pitch, ...,
    voice; ticks) never does in its context, +DOUBLE_BONUS on the pitch that doubles a part it
    doubles, at that part's onsets) for a line; None where it keeps apart from no part and
    doubles none, or no such part sounds in the region."""
    others = pitched[pitched[:, 4] != voice]
    if len(own) < APART_MIN_NOTES or not len(others):
        return None
    start = start_g * V.TICKS_PER_GRID
    recent = own[np.argsort(own[:, 0], kind="stable")][-APART_CONTEXT:]
    t, p = recent[:, 0][:, None], recent[:, 2][:, None]
    pitches = np.arange(V.N_PITCH)[:, None]
    marks, doubles = [], []
    for part in np.unique(others[:, 4]).tolist():
        notes = others[others[:, 4] == part]
        inside = notes[notes[:, 0] + notes[:, 1] > start]
        if not len(inside):
            continue
        sounding = (notes[:, 0][None] <= t) & (t < (notes[:, 0] + notes[:, 1])[None])  # (recent, notes)
        with_it = sounding.any(1)
        if with_it.sum() < APART_MIN_NOTES:
            continue
        above = np.median(notes[:, 2]) > np.median(own[:, 2])
        # its pitch at each: the lowest of a part above, the highest of one below
        q = (np.where(sounding, notes[:, 2][None], V.N_PITCH).min(1) if above
             else np.where(sounding, notes[:, 2][None], -1).max(1))[with_it]
        mine = recent[with_it, 2]
        together = np.isin(recent[with_it, 0], notes[:, 0])
        interval = max(DOUBLINGS, key=lambda d: np.mean((mine - q == d) & together))
        if np.mean((mine - q == interval) & together) >= DOUBLE_SHARE:
            doubles.append((inside[inside[:, 0] >= start], above, interval))
            continue
        apart = np.mean(mine == q) <= APART_SHARE
        # (on its side: a part doubling another in unison is on neither, and stays free to)
        ordered = np.mean(mine > q if above else mine < q) <= APART_SHARE and np.mean(mine < q if above else mine > q) >= 0.5
        if not (apart or ordered):
            continue
        q = inside[:, 2][None]  # (each of its notes: a chord's notes each mark their side)
        marks.append((inside, ((pitches == q) if apart else False)
                      | (((pitches > q) if above else (pitches < q)) if ordered else False)))
    if not marks and not doubles:
        return None
    spans = [n for n, *_ in [*marks, *doubles] if len(n)]
    last = max((int(-(-(n[:, 0] + n[:, 1]).max() // V.TICKS_PER_GRID)) for n in spans), default=start_g) - start_g
    grid = np.zeros((V.N_PITCH, last), dtype=np.float32)
    for inside, marked in marks:
        first = np.maximum(inside[:, 0] // V.TICKS_PER_GRID - start_g, 0)
        ends = -(-(inside[:, 0] + inside[:, 1]) // V.TICKS_PER_GRID) - start_g
        for k, (a, b) in enumerate(zip(first.tolist(), ends.tolist())):
            grid[:, a:b] = np.where(marked[:, k][:, None], -UNISON_PENALTY, grid[:, a:b])
    for notes, above, interval in doubles:
        for onset in np.unique(notes[:, 0]).tolist():
            chord = notes[notes[:, 0] == onset, 2]
            pitch = int(chord.min() if above else chord.max()) + interval
            if 0 <= pitch < V.N_PITCH:
                grid[pitch, onset // V.TICKS_PER_GRID - start_g] += DOUBLE_BONUS
    return start_g, grid


def _completing(pitched: np.ndarray, region: Region, voice: int, own: np.ndarray, start_g: int, end_g: int | None,
                key: Key | None, role: int) -> Completion | None:
    """completion.chord_completion for a line (not a bass, drums or chords: a line whose own notes
    never overlap, or a part with none) written alone among the parts of `pitched` (note array
    rows, ticks; the notes outside the region)."""
    if len(region.voices) != 1 or role in (V.ROLES.index("drums"), V.ROLES.index("bass")) \
            or (len(own) >= 2 and not _monophonic(own, voice)):
        return None
    others = pitched[pitched[:, 4] != voice]
    classes = None if key is None else key.pitch_classes
    if key is not None and key.scale in _MINOR_LOCKS:  # (its dominant major: an A E read A minor in D minor
        # had left the tenor no C# to supply, 2 of 12; QA qa32)
        classes = (classes - {(key.tonic + 10) % 12}) | {(key.tonic + 11) % 12}
    return chord_completion(others, voice, own, start_g, end_g, classes)


def _top_of_texture(own: np.ndarray, pitched: np.ndarray, voice: int, roles: dict) -> bool:
    """Whether a voice's notes (rows onset, length, pitch, ..., voice) carry the tune: no other
    pitched voice of `pitched` is a melody or plays above it (its top line's median pitch above
    every other voice's median)."""
    others = pitched[pitched[:, 4] != voice]
    if any(roles.get(int(v)) == V.ROLES.index("melody") for v in np.unique(others[:, 4])):
        return False
    top = np.median(_top_line(own)) if len(own) else -1
    return all(np.median(others[others[:, 4] == v, 2]) < top for v in np.unique(others[:, 4]))


def _top_line(notes: np.ndarray) -> np.ndarray:
    """The pitches of a voice's notes (rows onset, length, pitch, ...) in time order, the highest
    where several start together."""
    if not len(notes):
        return notes[:, 2]
    ordered = notes[np.lexsort((-notes[:, 2], notes[:, 0]))]
    first = np.r_[True, ordered[1:, 0] != ordered[:-1, 0]]
    return ordered[first, 2]


def _recall_line(earlier: np.ndarray, features=None) -> LineRecall | None:
    """The priors.LineRecall of a line's last RECALL_NOTES notes before the region (rows onset,
    duration, pitch, ... in ticks), one note per onset (the highest), or None if too few;
    features: the plan's, where chords are written or given (the chord root under each note)."""
    if len(earlier) < RECALL_SHORTEST + 2:
        return None
    order = np.lexsort((-earlier[:, 2], earlier[:, 0]))
    rows = earlier[order]
    onsets = rows[:, 0] // V.TICKS_PER_GRID
    first = np.r_[True, onsets[1:] != onsets[:-1]]
    lengths = np.maximum(1, np.rint(rows[first, 1] / V.TICKS_PER_GRID)).astype(np.int64)
    onsets = onsets[first][-RECALL_NOTES:]
    roots = None if features is None else chord_roots(features, onsets)
    return LineRecall(onsets, rows[first, 2][-RECALL_NOTES:], lengths[-RECALL_NOTES:], roots)


def _on_grid(notes) -> list[tuple[int, int, int, int]] | None:
    """Notes as sample_region writes them, (voice, pitch, onset, duration) in grid units, in its
    order (by onset, a chord top-down); None when a note is off the grid (sampled notes never
    equal it) or there is none."""
    rows = []
    for n in notes:
        if n.onset % V.TICKS_PER_GRID or n.duration % V.TICKS_PER_GRID:
            return None
        rows.append((n.voice, n.pitch, n.onset // V.TICKS_PER_GRID, n.duration // V.TICKS_PER_GRID))
    return sorted(rows, key=lambda r: (r[2], -r[1])) or None


def _as_notes(results) -> list[list[Note]]:
    return [[Note(pitch, onset * V.TICKS_PER_GRID, duration * V.TICKS_PER_GRID, V.bin_velocity(velocity), voice, True)
             for voice, pitch, onset, duration, velocity in notes] for notes in results]


def _encode(model, contexts: list, style_index: int) -> dict:
    """The encoder memory of one or several contexts (padded into one batch)."""
    device = next(model.parameters()).device
    n_feat, n_succ = contexts[0].src.shape[1], contexts[0].src_succ.shape[1]
    longest = max(len(c.src) for c in contexts)
    src = np.zeros((len(contexts), longest, n_feat), np.int64)
    succ = np.zeros((len(contexts), longest, n_succ), np.int64)
    for i, c in enumerate(contexts):
        src[i, : len(c.src)] = c.src
        succ[i, : len(c.src)] = c.src_succ
    with torch.inference_mode():
        return model.encode(torch.as_tensor(src, device=device), torch.tensor([len(c.src) for c in contexts]),
                            torch.full((len(contexts),), style_index, device=device), torch.as_tensor(succ, device=device))


def _write_beside(checkpoint: Checkpoint, scores: list[Score], regions: list[Region], *, seed: int | None,
                  temperature: float = 1.0, top_p: float = 0.95, cancel: Callable[[], bool] | None = None,
                  progress=None, **planning) -> list[list[Note]]:
    """One voice written once beside each of several versions of the other voices (one per
    variation of the voices written before it, each with its region: the same start and voice,
    perhaps different ends) in one batched decoder pass: the plans agree (the voice's own
    context is the same), only the encoder contexts, the ends and the decoder's first inputs'
    distance to the end differ."""
    plan, context, style_index = _plan_voice(checkpoint, scores[0], regions[0], variations=len(scores), **planning)
    model = evaluation_mode(checkpoint.model_for(style_index))
    sampling = dict(temperature=temperature, top_p=top_p, cancel=cancel)
    # The voice's own notes are the same in every version: only the encoder contexts differ,
    # unless the versions number the voices differently (a variation wrote nothing in a voice
    # that has no other notes), which the slots and the decoder's first input show.
    slots = {v.score_voice: v.slot for v in plan.voices}
    others = [_plan_voice(checkpoint, score, region, context_only=True, **planning)
              for score, region in zip(scores[1:], regions[1:])]
    same = np.arange(len(V.FEATURES)) != _TO_END  # (the distance to the end may differ)
    if any(any(o_slots.get(v) != s for v, s in slots.items()) or not np.array_equal(first[same], plan.first[same])
           for (o_slots, first), _, _ in others):
        # ... each on its own, then.
        prepared = [_plan_voice(checkpoint, score, region, first_variation=i, **planning)[:2]
                    for i, (score, region) in enumerate(zip(scores, regions))]
        return [_as_notes(sample_region(model, _encode(model, [c], style_index), p, 1,
                                        seed=None if seed is None else seed + i, **sampling))[0]
                for i, (p, c) in enumerate(prepared)]
    if len({r.end for r in regions}) > 1:
        ends = tuple(None if r.end is None else r.end // V.TICKS_PER_GRID for r in regions)
        plan = replace(plan, row_ends=ends, first=np.stack([plan.first] + [first for (_, first), _, _ in others]))
    if plan.prior_chords_led:
        # chords estimated from the parts written before: each variation follows its own (the
        # first's had led the others: a piano over another variation's bass, D E A B under C F G Am)
        meters, roles, key = score_meters(scores[0]), score_roles(scores[0]), planning.get("key")
        keys = score_keys(scores[0]) or ([(0, str(key))] if key is not None else None)
        chords = [_others_chords(_pitched(score, region, roles), region, meters, key, roles)[0]
                  for score, region in zip(scores[1:], regions[1:])]
        plan = replace(plan, row_prior_features=(plan.prior_features_at, *(
            plan.prior_features_at if c is None else ScoreFeatures(meters, keys, c) for c in chords)))
    lines = [t for t in plan.voices if t.doubled is not None]
    if lines:
        # ... and doubles none of its own variation's parts (the first's had led the others: a
        # chorale's tenor kept from the first variation's alto sang the others' in unison)
        roles = score_roles(scores[0])
        plan = replace(plan, row_doubled=({t.slot: t.doubled for t in lines}, *(
            {t.slot: _doubled(own[own[:, 4] == t.score_voice], own, t.score_voice, plan.start) for t in lines}
            for own in (_pitched(score, region, roles) for score, region in zip(scores[1:], regions[1:])))))
    memory = _encode(model, [context] + [c for _, c, _ in others], style_index)
    return _as_notes(sample_region(model, memory, plan, len(scores), seed=seed, **sampling))


_TO_END = V.FEATURES.index("to_end")

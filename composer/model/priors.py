"""Sampling priors taken from the request itself, added to the model's log-probabilities as a
product of experts (Hinton 2002): the sampler draws from p_model(note) * exp(f(pitch, onset)).

- Chord following: f = strength * metric weight(onset) for a pitch class of the chord sounding at
  the onset (0 otherwise), strongest on the strong beats; chord tones are the chord's template.
- Groove: a drum voice keeps the feel of its context: f = strength * log of how often that drum
  key falls on that position of the bar in the context (relative to uniform, smoothed), and its
  onsets keep the grid the context was played on (straight sixteenths or eighth-note triplets).
- Texture: a pitched voice of block chords keeps its context's chords: another note under the
  last with the context's rate for a chord of that many notes, at its intervals, making a chord
  with the notes above; a new chord's top note near its chords' tops.

Grid units are composer.model.vocab grid ticks (12 per quarter); positions count from the bar line.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Callable

import numpy as np

from composer.model import vocab as V
from composer.model.encoding import bar_positions
from composer.music.blues import blue_shares_hold
from composer.music.chords import CHORD_INTERVALS, QUALITIES, QUALITY_INDEX
from composer.music.roles import CHORD_SHARE

# (quality index, interval) -> chord tone; the extra row is "no chord" (nothing is a chord tone).
_TONE_TABLE = np.zeros((len(QUALITIES) + 1, 12), dtype=bool)
for _i, _name in enumerate(QUALITIES):
    _TONE_TABLE[_i, list(CHORD_INTERVALS[_name])] = True
# (quality, root) -> the chord's pitch classes, (12,) bool and as a 12-bit mask (C = bit 0)
_CHORD_TABLE = np.stack([np.stack([np.roll(_TONE_TABLE[q], r) for r in range(12)]) for q in range(len(QUALITIES))])
_CHORD_MASKS = (_CHORD_TABLE * (1 << np.arange(12))).sum(-1).tolist()

# Nats added to a chord tone's log-probability on a strong beat (scaled by the metric weight
# elsewhere); tuned on the validation split of the lead sheets (bench/cowriter_music.py --split
# validation) so that generated melodies put about as many chord tones on strong beats as people do
# (people 78.5 %; 78.3 % in the train split's 438 lead sheets). Retuned for the memory model of
# 30 Nov: 1.0: 72.4 %, 1.3: 75.7 %, 1.4: 76.7 %, 1.5: 82.0 %, 1.7: 84.9 % (2 variations each).
# Retuned when a melody's repeated note stopped getting the full bonus (unrepeated), on the 40
# validation lead sheets with chords, 8 variations: 1.4: 72.7 %, 1.7: 76.2 %, 2.0: 80.6 % of
# strong-beat notes chord tones (people 77.8 %; 76.1 % before at 1.4), repeated notes 18.3 % at
# 1.7 (people 19.1 %, the model without chords 19.2 %, 23.8 % before). Retuned for the stage-11
# weights (29 validation sheets with chords, 8 variations; people 78.5 %): 1.7: 74.7 % (stage 10
# 76.0 %), 1.9: 79.1 %, 2.1: 81.8 %.
CHORD_STRENGTH = 1.9
# An added harmony part's block chords (region_writer.default_comping) are the chords: every note
# of them gets this bonus on a chord tone, whatever the beat. At CHORD_STRENGTH and the metric
# weight the model's own pitches won (G B D under a bar of A minor in a waltz, QA; of a tune's
# chords in 6/8 only 5 of 32 were the bar's chord, 31-32 at 5.0).
COMPING_CHORD_STRENGTH = 5.0
# The share of strong-beat melody notes that are chord tones in people's music of each style with
# chords (train split; `python bench/cowriter_music.py --human-shares` measures them), and the share
# of the lead sheets CHORD_STRENGTH was tuned on. A style follows its chords as its people do: its
# strength is CHORD_STRENGTH moved by the difference in log-odds (the bonus adds to a strong-beat
# chord tone's log-odds one for one). Jazz solos (WJazzD) play far more tensions on the beat.
STYLE_CHORD_SHARE = {"jazz": 0.523, "popular_song": 0.792, "popular_song_jazz": 0.760, "popular_song_rock": 0.803,
                     "popular_song_stage": 0.769}
REFERENCE_SHARE = 0.783
# A fill given chords its old bars do not follow (their strong-beat notes chord tones of the new
# chords less than NEW_HARMONY_SHARE of the time: a new harmony for those bars) gets
# NEW_HARMONY_SHIFT nats more chord-tone bonus. The tune on both sides of such a fill was written
# for the old harmony, and the model, held at both ends, follows it: `fill --chords "Am | Dm"` over
# a C major scale tune ran the scale straight through the chords (QA qa14/qa15 W7: 36 of 64 strong
# beats chord tones; continued over the same chords, 43 of 63). Fills whose chords the old bars do
# follow land on them as often as continuations do (7 tunes written for the test, 4 seeds x 4
# variations: 78-81 % against 76-80 %), so they keep the style's strength. Three new-harmony fills
# of the scale tune (Am | Dm, F | Em, Dm | G; 256 strong beats): 60.5 % at +0, 70.7 % at +0.3,
# 75.0 % at +0.5, 80.1 % at +0.8, 90 % at +1.8; people 74-78 % (see CHORD_STRENGTH).
NEW_HARMONY_SHARE = 0.5
NEW_HARMONY_SHIFT = 0.5
# A bass line's extra bonus for the chord's root (times the metric weight: full on the strong
# beats), on top of the chord-tone bonus every voice gets. With the chord-tone bonus alone an added
# bass over a lead sheet's chords played the root on 10 of 39 downbeats (17 of 44 at chord
# strength 8: thirds and fifths as often as roots), where bass players mostly play it (QA). The
# bonus goes where the chord arrives (the downbeat, or a strong beat where it changes): on every
# beat (times the metric weight) the root droned, 3 pitches in 8 bars. On that lead sheet (8
# bars, 12 variations): roots on 28 % of downbeats at 0, 78 % at 2.5 (71 % with the bonus on
# every beat, 82 % at 3.0 there, with fewer pitches a bar).
BASS_ROOT_STRENGTH = 2.5
# A slash chord's bass note ("C/E": E) is written for the bass: it gets the firm bonus of an added
# comping part's chord tones. At BASS_ROOT_STRENGTH a descending line C C/B Am Am/G F G/F C/E G
# got its written bass note on 30 of 64 downbeats (G under C/B, C/E and G/F); at 5.0 on 45 of 64.
SLASH_BASS_STRENGTH = 5.0
# Nats off a walking bass line's last pitch as its next note: a walking line moves by chord tones,
# scale steps and chromatic approach notes to the next root, a note rarely repeated (E. Friedland,
# *Building Walking Bass Lines*, 1995). An added bass in a jazz style, on every beat, held its note
# (G2 G2 G2 G2 over Gm7 | C7; 68 of 216 notes repeated the last, QA F10).
WALKING_REPEAT_PENALTY = 2.0
# ... and off a made-up plain bass line's last pitch where it is not the chord's root and no root
# is due: a bass player sits on the root, not on the seventh. Under a 12-bar blues given as
# --chords an added bass played the root, then one other tone three times (Bb2 Ab2 Ab2 Ab2) in 8
# of 36 bars (QA qa31).
PLAIN_REPEAT_PENALTY = 6.0
# Nats for a walking line's approach notes to the root the next beat brings (approach_prior): with
# the repeat penalty alone the line wandered and found the root on fewer chord arrivals. On the QA
# lead sheet (jazz / popular_song_jazz, 6 seeds x 4 variations, 264 arrivals): roots 179 / 198 and
# repeated notes 29 / 31 % with neither; 167 / 182 with the penalty alone; 178 / 185 and 19 / 20 %
# with an approach bonus of 1.5; 183 / 197 and 16 / 18 % at 3.
WALKING_APPROACH_STRENGTH = 3.0
ONSET_STRENGTH = 1.0  # weight of the onset prior (which positions the context plays at all)
GROOVE_STRENGTH = 2.0  # weight of the groove profile's log-ratio (1 = the context's own odds)
# Drums written beside other parts' notes (a band continued, drums under a tune): the model learnt
# drums alone (Groove) and, beside a melody, skipped downbeats and left the kick from under the
# hi-hat (kick on beat 1 in 11-23 of 48 continued bars whose seed had it in all, in 4/4, 3/4 and
# 6/8; 47-48 weighted twice); the context's groove then weighs twice.
BESIDE_WEIGHT = 2.0
_GROOVE_SMOOTH = 2.0  # pseudo-counts pulling one key's profile toward all keys' profile
# Weight of a chordal voice's texture prior (Texture; 1 = the context's own odds). The model learnt
# single-line voices: a piano part of half-note triads continued as 1.1-1.2 notes per onset, and
# beside a tune it gives a note under a chord's top 0.001-0.003 of its probability; at 4 (and the
# voicing, fit and top terms) 3.0 notes per onset, every chord a chord of the vocabulary.
TEXTURE_STRENGTH = 4.0
# Weight of a chordal voice's rhythm (Texture.occupancy): beside a tune the model copies its own
# last chord's length, so half-note chords turned into quarters; at 1 they still did. The model
# also starts a chord where the last one ends (a Charleston's quarter on the and of 2 was followed
# by a chord on the and of 3, 13 nats likelier to it than the next downbeat): at 4 a 2-bar fill
# put one there in 12 of 16 bars, a reggae skank an extra chord on an "and" in 9 of 41; at 6 and 8
# none, and where the context plays a position half the time it still may (its odds are even).
RHYTHM_STRENGTH = 6.0
# A position a line's context never plays is played at these odds: at 1e-9 (27 nats at
# RHYTHM_STRENGTH, 15 at a melody's share of it) every onset left before a fill's end cost a
# played melody more than a second note at its last onset, and it stacked 13-25 white keys on
# one onset (QA qa23).
OCCUPANCY_FLOOR = 0.01
# A line's rhythm had let a second note at the same onset go free (onset_prior's d = 0), so where
# its context never plays the positions left before the region's end a played melody, which
# never plays two notes at once, stacked 13-25 white keys on one onset (QA qa23): now a line
# whose context starts two notes at one onset less often than this pays the odds it does.
STACK_FREE = 0.1
_DURATION_SMOOTH = 1.0  # pseudo-count spread over every note length of a chordal voice's context
_POSITION_SMOOTH = 1.0  # pseudo-count of its lengths at all positions in its lengths at one position
# Weight of a chordal voice's note lengths (Texture.durations). The model copies its last chord's
# length: at 1 a syncopated part (dotted quarter on 1, half on the and of 2, eighth on the and of
# 4) gave its and-of-2 chords the dotted quarter before them 60 of 96 times; at 2 and 3 never.
DURATION_STRENGTH = 2.0
MAX_STACK = 8  # notes at one onset the texture prior counts up to
MAX_GAP = 24  # widest interval (semitones) between neighbouring notes of a chord the voicing prior knows
_VOICING_SMOOTH = 0.5  # pseudo-count of each interval in a context's voicing
_DEPTH_SMOOTH = 2.0  # pseudo-count of its voicing at all depths in its voicing under k notes
# ... and the share of the voicing under k notes that is that depth's, the rest its voicing at all
# depths: at 1 (the depth's alone) a chord whose shape the context never plays under the chord
# sounding there could not be completed (an open-voiced left hand under Am: C3 A3, no note under;
# 75 of 96 quantised fill onsets had 3 pitch classes, then 39); 0.3 keeps 69, and a played left
# hand's octave at its bottom (34 of 54 fill chords of 3 pitch classes, 11 at 0)
DEPTH_SHARE = 0.3
CHORD_FIT_PENALTY = 2.0  # nats (before TEXTURE_STRENGTH) off a chord note that makes no chord with those above
# Low interval limits: the lowest pitch a chord's interval may have as its lower note before it
# sounds muddy, by the interval's size in semitones (index 1..11; 0 and the octave: none), as
# arrangers' tables give them (e.g. Berklee's: m2 E3, M2 Eb3, m3 C3, M3 Bb2, P4 A2, tritone B2,
# P5 Bb1, m6 G2, M6 and sevenths F2), the minor second raised to middle C: in a piano's left hand it
# is a cluster (a continued waltz left hand put D3+Eb3 on its downbeats, QA F16). A note under a
# chord's lowest note closer than its limit loses LOW_INTERVAL_PENALTY nats before TEXTURE_STRENGTH.
LOW_INTERVAL_LIMITS = np.array([0, 60, 51, 48, 46, 45, 47, 34, 43, 41, 41, 41])
LOW_INTERVAL_PENALTY = 2.0
# Nats per semitone a chord's top note (or a single note) lies beyond 3 from its context's at that
# bar position. At 1 a stride part's bass notes on beats 1 and 3 rose to G3-E4 in 56 % of continued
# bars (the model steps from the last chord's lowest note); at 2, 0 % (3 seeds x 4 variations).
TOP_PULL, TOP_WIDTH = 2.0, 3.0
# A complete chord's odds of another note while it lacks a tone of its chord (Texture.complete), and
# of none once it has them all: the texture's smoothing bounds (texture_of clips rates to these).
COMPLETE_RATE = 0.98
# ... and from the context's top for the chord there, where that is taken (Texture.chord_tops), this
# many: a minor third under it is a chord tone too, and at 3 a pop left hand of close triads topped
# by their fifths topped its bar's second strike with the third (E3 over C3, 61 % against 37 % for
# G3), its next note under then below its register: two-note chords in 13 of 24 continued bars
CHORD_TOP_WIDTH = 2.0
# Bars a chordal voice's context plays in for its rhythm to be kept (Texture.occupancy); at 2 its
# never-played positions get 0.045, its always-played 0.955. At 4 a 2-bar context kept
# none: a skank continued as chords on every eighth (8.25 a bar), half notes got eighths.
MIN_RHYTHM_BARS = 2
# Bars over which a context bar's weight in a chordal voice's rhythm and lengths halves, by its
# distance from the region: a part of 4 bars of quarter-note chords then 4 of half notes continued
# in quarters (3.69 chords a bar; 3.47 at a half-life of 4 bars, 2.94 at 2), ignoring where it went.
RECENCY_HALF_LIFE = 2.0
_GRID_FIT = 0.15  # mean distance to the grid (in grid steps) below which a context is on that grid
GRID_STEPS = {"straight": 3, "triplet": 4}  # sixteenths; eighth-note triplets (grid units)


# Every chord of the vocabulary as a pitch-class set, (12 roots x qualities, 12).
_TEMPLATES = np.array([[(pc - root) % 12 in CHORD_INTERVALS[name] for pc in range(12)]
                       for root in range(12) for name in QUALITIES])


def metric_weight(since: np.ndarray, bar: np.ndarray, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Metric weight per onset in [0, 1]: 1 on the downbeat and on the middle of a bar of an even
    number of beats (beat 3 of 4/4, beat 2 of 2/4, the second dotted quarter of 6/8), 0.5 on the
    other beats, 0.25 on the beats' divisions (half beats; the eighths of 6/8), 0 elsewhere.
    since/bar: ticks since the bar line and bar length (score ticks, 480 per quarter);
    numerator/denominator: the meter in force."""
    since, bar = np.asarray(since, dtype=np.int64), np.asarray(bar, dtype=np.int64)
    numerator, denominator = np.asarray(numerator, dtype=np.int64), np.asarray(denominator, dtype=np.int64)
    compound = (denominator == 8) & (numerator % 3 == 0) & (numerator > 3)
    beat = np.where(compound, 3 * 1920 // np.maximum(1, denominator), 1920 // np.maximum(1, denominator))
    beats = np.maximum(1, bar // np.maximum(1, beat))
    division = np.maximum(1, np.where(compound, beat // 3, beat // 2))  # eighths of 6/8, halves of simple beats
    weight = np.where(since % division == 0, 0.25, 0.0)
    weight = np.where(since % beat == 0, 0.5, weight)
    strong = (since == 0) | ((beats % 2 == 0) & (since == bar // 2))
    return np.where(strong, 1.0, weight)


def style_chord_strength(style: str | None) -> float:
    """The default chord-tone bonus for a style (see STYLE_CHORD_SHARE); CHORD_STRENGTH for styles
    without chord data (the neutral style, folk, classical). >= 0."""
    share = STYLE_CHORD_SHARE.get(style or "")
    if share is None:
        return CHORD_STRENGTH
    shift = np.log(share / (1 - share)) - np.log(REFERENCE_SHARE / (1 - REFERENCE_SHARE))
    return max(0.0, CHORD_STRENGTH + float(shift))


_TRIADS = tuple((QUALITY_INDEX[quality], CHORD_INTERVALS[quality]) for quality in ("maj", "min"))
# ... and, with sevenths, the seventh chords of jazz harmony (a ii-V-I, its half-diminished ii in
# minor), each scoring SEVENTH_COST of the bar's weight less, so that a triad with no seventh
# sounding stays a triad
_SEVENTHS = tuple((QUALITY_INDEX[quality], CHORD_INTERVALS[quality]) for quality in ("dom7", "maj7", "min7", "hdim7"))
SEVENTH_COST = 0.05
_DOMINANT = ((QUALITY_INDEX["dom7"], CHORD_INTERVALS["dom7"]),)


# estimate_chords' last answers: planning each voice of a request reads the same context again
# (the loop, the planned progression; 14 ms a time for a 512-note piece)
_ESTIMATED: dict[tuple, np.ndarray] = {}
_ESTIMATED_KEPT = 8
_ESTIMATED_LOCK = threading.Lock()  # (generation may run on more than one worker thread)


# A blues: a tune in a major key that sounds its tonic's blue notes, the minor third and the minor
# seventh, beside its major third (composer.music.blues). Its chords are dominant sevenths on I,
# IV and V, over which each chord's own minor third is a blue note, not a minor chord: read as
# triads, a riff on the fifth, seventh and root of F7 (C Eb F Eb C) was C minor and one on the
# blue third (Ab A C F) F minor, and a bass added under a 12-bar blues had its roots on 22 of 48
# downbeats (QA qa31).
_BLUES_SCALES = ("major", "mixolydian", "major_pentatonic", "blues")


def blues_tonic(durations: np.ndarray, pitches: np.ndarray, key) -> int | None:
    """The tonic pitch class of a blues, or None: `key` (composer.music.scales.Key, or None) major
    or mixolydian and the notes (durations in ticks, MIDI pitches) sounding its tonic's blue notes
    beside its major third (composer.music.blues.blue_shares_hold). A folk tune's mixolydian
    seventh alone is none. (The 12-bar blues of tests/commands/test_blues_bass.py: minor third
    5 %, minor seventh 14 %, major third 2 %.)"""
    durations, pitches = np.asarray(durations, dtype=np.float64), np.asarray(pitches, dtype=np.int64)
    if key is None or key.scale not in _BLUES_SCALES or not len(pitches) or durations.sum() <= 0:
        return None
    share = np.bincount(pitches % 12, weights=durations, minlength=12) / durations.sum()
    return int(key.tonic) if blue_shares_hold(share, key.tonic) else None


def estimate_chords(onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray, meters: np.ndarray | None,
                    key_classes: frozenset[int] | None = None, bass_tone: bool = False,
                    sevenths: bool = False, halves: bool = False, blues: int | None = None) -> np.ndarray:
    """_estimate_chords (see there), its answer kept for the same arguments (a copy returned)."""
    arrays = [np.ascontiguousarray(a, dtype=np.int64) for a in (onsets, durations, pitches)]
    key = (*(a.tobytes() for a in arrays), None if meters is None else np.asarray(meters, dtype=np.int64).tobytes(),
           key_classes, bass_tone, sevenths, halves, blues)
    with _ESTIMATED_LOCK:
        known = _ESTIMATED.get(key)
    if known is None:
        known = _estimate_chords(*arrays, meters, key_classes, bass_tone, sevenths, halves, blues)
        with _ESTIMATED_LOCK:
            while len(_ESTIMATED) >= _ESTIMATED_KEPT:
                _ESTIMATED.pop(next(iter(_ESTIMATED)))
            _ESTIMATED[key] = known
    return known.copy()


def _estimate_chords(onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray, meters: np.ndarray | None,
                     key_classes: frozenset[int] | None = None, bass_tone: bool = False,
                     sevenths: bool = False, halves: bool = False, blues: int | None = None) -> np.ndarray:
    """One major or minor triad (with sevenths: or seventh chord, _SEVENTHS; in a blues on tonic
    `blues`: or its I7, IV7 or V7, blues_tonic) per bar that the
    notes sound in (template matching, _best_chord); with halves, two in a bar of an even
    number of beats (2/4, 4/4, 6/8, 12/8) whose halves' chords differ, one a half (a piece of
    two chords a bar: C F | G C read one a bar had lost every second chord, and G7 C read as E
    minor). For a part added where the score has no chord symbols, so the chord-tone prior can
    keep it consonant with the other parts.
    onsets, durations: ticks; pitches: MIDI. -> (K, 4) rows onset tick, duration ticks, root pitch
    class, QUALITIES index (composer.data.corpus.Piece.chords)."""
    onsets = np.asarray(onsets, dtype=np.int64)
    if not len(onsets):
        return np.zeros((0, 4), np.int64)
    durations, pitches = np.asarray(durations, dtype=np.int64), np.asarray(pitches, dtype=np.int64)
    since, bar = bar_positions(onsets, meters)
    bars: dict[int, int] = {}  # every bar a note sounds in: its start -> its length
    for onset, duration, start, length in zip(onsets, durations, onsets - since, bar):
        start, length = int(start), int(length)
        bars[start] = length
        while start + length < onset + duration and len(bars) < 100_000:  # held across a bar line
            start += length
            length = int(bar_positions(np.array([start]), meters)[1][0])
            bars[start] = length
    even = None
    if halves:  # each bar's meter numerator even (a meter map's rows: bar line tick, numerator, denominator)
        table = np.asarray(meters if meters is not None and len(meters) else [(0, 4, 4)], dtype=np.int64).reshape(-1, 3)
        starts = np.array(sorted(bars), dtype=np.int64)
        rows_at = np.clip(np.searchsorted(table[:, 0], starts, side="right") - 1, 0, len(table) - 1)
        even = dict(zip(starts.tolist(), (table[rows_at, 1] % 2 == 0).tolist()))
    rows = []
    for start, length in sorted(bars.items()):
        best = _best_chord(onsets, durations, pitches, start, length, key_classes, bass_tone, sevenths, blues)
        if best is None:
            continue
        if even is not None and even[start] and length % 2 == 0:
            half = length // 2
            parts = [_best_chord(onsets, durations, pitches, start + k * half, half, key_classes, bass_tone, sevenths,
                                 blues)
                     for k in range(2)]
            if None not in parts and parts[0] != parts[1]:
                rows += [(int(start), half, *parts[0]), (int(start) + half, half, *parts[1])]
                continue
        rows.append((int(start), length, *best))
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


# Whole bars of silence in the parts a chord is read from, over which the chord before is held: the
# answer bars of a call and response, a tune's breath between phrases. With no chord there, a
# harmony part added under a blues sung in bars 1-3, 5-7 and 9-11 played Dm7 Am in its answer
# bars 4 and 8 (QA qa36), where a band holds the I chord of the bar before.
HELD_REST_BARS = 2


def held_over_rests(chords: np.ndarray, meters: np.ndarray | None, bars: int = HELD_REST_BARS) -> np.ndarray:
    """estimate_chords' rows (K, 4) (onset tick, duration ticks, root, quality) with each chord
    that a silence of at most `bars` whole bars follows held to the next chord: where nothing
    sounds, nothing says the harmony moved. A longer silence (an interlude, a part resting for
    a section) keeps no chord. A copy; rows in onset order."""
    out = np.array(chords, dtype=np.int64).reshape(-1, 4)
    for i in range(len(out) - 1):
        end, after = int(out[i, 0] + out[i, 1]), int(out[i + 1, 0])
        if end >= after:
            continue
        _, lengths = bar_positions(np.array([end]), meters)
        # (the silence begins on a bar line: estimate_chords' rows are whole bars or halves)
        if after - end <= bars * int(lengths[0]):
            out[i, 1] = after - int(out[i, 0])
    return out


def _best_chord(onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray, start: int, length: int,
                key_classes: frozenset[int] | None, bass_tone: bool, sevenths: bool,
                blues: int | None = None) -> tuple[int, int] | None:
    """(root pitch class, QUALITIES index) of the triad (or seventh chord) whose tones cover the
    most of the span's sounding time [start, start + length) (ticks), the notes sounding at its
    start counted twice, tones outside it counting half against, triads of the key (key_classes:
    its pitch classes) and on the lowest note at the span's start preferred; with bass_tone (the
    notes include a bass part's), only chords that hold that note (a chord the bass plays in).
    In a blues on tonic `blues` (blues_tonic) its I7, IV7 and V7 are chords of the key too, at no
    seventh's cost (and a greater bonus, BLUES_CHORD), their minor third (a blue note) counting
    as theirs where their major third sounds too, else neither way.
    None where nothing sounds in the span."""
    weight = np.zeros(12)
    # every note sounding in the span, for the part of it inside the span
    inside = (onsets < start + length) & (onsets + durations > start)
    for onset, duration, pitch in zip(onsets[inside], durations[inside], pitches[inside]):
        overlap = min(onset + duration, start + length) - max(onset, start)
        weight[pitch % 12] += overlap * (2.0 if onset <= start < onset + duration else 1.0)
    if weight.sum() <= 0:
        return None
    # The lowest note sounding at the bar line (else the bar's lowest) is likely the root: a
    # tune G A B C over a G bass scored G major, C major and E minor alike, and C won by
    # coming first, so an added harmony part played A minor and C chords over the G bass.
    at_line = inside & (onsets <= start) & (onsets + durations > start)
    low = pitches[at_line if at_line.any() else inside].min() % 12
    best, best_score = None, (-np.inf, 0.0)
    blue_roots = () if blues is None else tuple((blues + step) % 12 for step in (0, 5, 7))
    for root in range(12):
        kinds = _TRIADS + _SEVENTHS if sevenths else _TRIADS + _DOMINANT if root in blue_roots else _TRIADS
        for quality, tones in kinds:
            blue = root in blue_roots and quality == _DOMINANT[0][0]
            classes = {(root + t) % 12 for t in tones}
            if bass_tone and low not in classes:
                continue
            # (a blues chord's blue third counts neither way; it holds it, as the "#9" of a C7#9,
            # where it is heard against the chord's major third: a boogie's bars open on it, and
            # a bar of the boogie over F7 was read as Ab major. Not where no major third sounds:
            # a swung riff D F G F D over G7 then read D7)
            blue_third = weight[(root + 3) % 12] if blue else 0.0
            covered = sum(weight[c] for c in classes) + (blue_third if weight[(root + 4) % 12] > 0 else 0.0)
            outside = weight.sum() - covered - (blue_third if weight[(root + 4) % 12] <= 0 else 0.0)
            score = covered - 0.5 * outside - (SEVENTH_COST * weight.sum() if len(tones) > 3 and not blue else 0)
            if blue:  # (the greater bonus where its seventh or blue third sounds: C E G stays C)
                score += (BLUES_CHORD if weight[(root + 10) % 12] + blue_third > 0 else 0.1) * weight.sum()
            elif key_classes is not None and classes <= key_classes:
                score += 0.1 * weight.sum()
            elif key_classes is not None:  # (a tone outside the key that nothing plays is no evidence of it)
                score -= ABSENT_OUTSIDE * weight.sum() * sum(c not in key_classes and weight[c] <= 0 for c in classes)
            if root == low:
                score += BASS_ROOT * weight.sum()
            # (a tie goes to the chord whose root sounds longest, as in Pardo & Birmingham's
            # template matching, 2002: B F G read E minor, whose root is not played, not G)
            if (score, weight[root]) > best_score:
                best, best_score = (root, quality), (score, weight[root])
    return best


def span_chord(onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray, start: int, length: int,
               key_classes: frozenset[int] | None = None) -> tuple[int, int] | None:
    """(root pitch class, QUALITIES index) of the triad or seventh chord that best explains the
    notes sounding in [start, start + length) (ticks; _best_chord's template matching, sevenths
    allowed), None where nothing sounds: the chord of one onset's span (composer.model.completion)."""
    arrays = [np.asarray(a, dtype=np.int64) for a in (onsets, durations, pitches)]
    return _best_chord(*arrays, start, length, key_classes, False, True)


# Share of a bar's weight that a blues's I7, IV7 or V7 gains where its seventh or blue third sounds
# (a chord of the key gains 0.1): in a blues they are the chords, and a swung riff D F G F D over
# G7 had read D minor, its first note taken for the root (QA qa35).
BLUES_CHORD = 0.2
ABSENT_OUTSIDE = 0.1  # ... that a chord loses for each of its tones outside the key that does not sound
BASS_ROOT = 0.1  # share of a bar's weight that a triad rooted on its lowest note gains (estimate_chords)

REPEAT_NEIGHBOURS = 4  # semitones either side of a melody's last pitch whose bonus its repeat gets on average


def unrepeated(prior: np.ndarray, last: int) -> np.ndarray:
    """A melody's chord-tone prior (N_PITCH, n) with the row of its last pitch (repeating it) set
    to the log of the mean exp-bonus of the pitches within REPEAT_NEIGHBOURS semitones of it: the
    bonus is for landing on a chord tone, and staying gains no more than moving near it does on
    average. With the full bonus a tune hammered the chord tone it was on (a fill over held chords
    repeated its last pitch 42 % of the time, the model alone 19 %, the tune around it 3 %)."""
    if not 0 <= last < len(prior):
        return prior
    near = [p for p in range(max(0, last - REPEAT_NEIGHBOURS), min(len(prior), last + REPEAT_NEIGHBOURS + 1))
            if p != last]
    out = prior.copy()
    out[last] = np.log(np.exp(prior[near]).mean(0))
    return out


# A melody repeats its last pitch, and goes back to the pitch before it (a neighbour note, a
# trill), about as often as its own context does. The model, whose corpus melodies repeat 12-13 %
# of their steps, wrote 30-50 % repeats after tunes that repeat none (QA qa17 M1: 28 % of written
# melody steps over hand-written tunes with 3 %), since nothing tells it this tune's habit; with
# repeats held down alone, it swung between two notes instead (a tune returning 13 % of its
# steps: 29 %). Minimum discrimination information adaptation (Della Pietra et al. 1992; the
# unigram rescaling of Kneser et al. 1997): each habit's expected share in the written line is
# held to its context's, by the one log-odds shift on that pitch that meets it.
PEOPLE_HABITS = np.array([0.12, 0.15])  # shares of a melody's steps that repeat / return (validation melodies)
HABIT_PRIOR_STEPS = 8  # pseudo-steps at those shares with which a line's own shares are smoothed
HABIT_TOLERANCE = 0.5  # nats of log-odds the model's share may exceed its context's unchanged
HABIT_MOST_SHIFT = 8.0  # nats a habit's log-odds are lowered by, at most


_BITS = 1 << np.arange(12)  # a pitch class's bit in a 12-bit mask (C = bit 0)


def line_habits(pitches) -> np.ndarray:
    """(2,) shares (0-1) of a line's steps that repeat the pitch before and that return to the
    pitch before that (a different one), `pitches` in time order, each smoothed toward
    PEOPLE_HABITS by HABIT_PRIOR_STEPS pseudo-steps."""
    line = np.asarray(pitches)
    repeats = int(np.sum(line[1:] == line[:-1])) if len(line) > 1 else 0
    returns = int(np.sum((line[2:] == line[:-2]) & (line[2:] != line[1:-1]))) if len(line) > 2 else 0
    steps = np.array([max(0, len(line) - 1), max(0, len(line) - 2)])
    return (np.array([repeats, returns]) + HABIT_PRIOR_STEPS * PEOPLE_HABITS) / (steps + HABIT_PRIOR_STEPS)


def habit_shift(target: float, log_odds: np.ndarray, start: float | None = None) -> float:
    """The log-odds shift (nats, 0 down to -HABIT_MOST_SHIFT) on the pitch a habit would play that
    brings the share of it the model is expected to write to within HABIT_TOLERANCE of `target`
    (line_habits of the context), where it lies above: the shift s with mean(sigmoid(log_odds + s))
    at that bound, `log_odds` the model's log-odds of the habit at each step written so far (this
    one last), by Newton's method (one shift for the line, as MDI adaptation has one weight a
    feature) from `start` (the shift found at the step before: one iteration then), else from
    the shift that would meet the bound were every step's log-odds the same.
    The tolerance: a 16-note seed tells a tune's habits only roughly; on validation melodies
    (teacher-forced, 351 continuations of 16-note seeds) these shifts would cost 0.62 % in pitch
    NLL (0.20 % within 1 nat; 2.2 % holding both habits to the seed's shares exactly)."""
    # (scalars in math and sums over the array: a call a sampled step and habit, ~15 us in numpy's)
    x = np.asarray(log_odds, dtype=np.float64)
    n = len(x)
    bound = 1 / (1 + math.exp(-(math.log(target / (1 - target)) + HABIT_TOLERANCE)))
    mean = float((1 / (1 + np.exp(-x))).sum()) / n
    if mean <= bound:
        return 0.0
    # Newton's method on mean(sigmoid(x + s)) = bound (increasing and smooth in s), from the shift
    # that would meet it were every step's log-odds the same
    shift = math.log(bound / (1 - bound)) - math.log(mean / (1 - mean)) if start is None else start
    for _ in range(HABIT_NEWTON_STEPS if start is None else 1):
        shift = max(-HABIT_MOST_SHIFT, min(0.0, shift))
        shares = 1 / (1 + np.exp(-(x + shift)))
        slope = float((shares * (1 - shares)).sum()) / n
        if slope < 1e-9:
            break
        shift -= (float(shares.sum()) / n - bound) / slope
    return float(max(-HABIT_MOST_SHIFT, min(0.0, shift)))


HABIT_NEWTON_STEPS = 4


def chord_tone_prior(roots: np.ndarray, qualities: np.ndarray, weights: np.ndarray, strength: float) -> np.ndarray:
    """(N_PITCH, n) log-prior: strength * weight at each of n onsets for the pitches whose pitch
    class is a tone of the chord there (roots / qualities: vocab indices from chords_at; no chord:
    nothing), 0 elsewhere."""
    roots, qualities = np.asarray(roots), np.asarray(qualities)
    known = (roots < 12) & (qualities < len(QUALITIES))
    intervals = (np.arange(12)[:, None] - np.where(known, roots, 0)[None]) % 12
    tones = _TONE_TABLE[np.where(known, qualities, len(QUALITIES))[None], intervals]  # (12, n) per pitch class
    bonus = np.where(tones, strength * np.asarray(weights, dtype=np.float64)[None], 0.0)
    return bonus[np.arange(V.N_PITCH) % 12]


def chord_tones(root: int, quality: int, allowed=None) -> np.ndarray | None:
    """(12,) bool: the pitch classes of the chord (root, quality: vocab indices from chords_at), or
    None where no chord is known or `allowed` (the key lock's pitch classes; None: any) lacks one of
    them: a chord the lock will not let be completed (F major under a C lydian lock) is no chord
    to complete (Texture.prior: any chord's tones fit then)."""
    if not (0 <= root < 12 and 0 <= quality < len(QUALITIES)):
        return None
    if allowed is not None:
        mask = _CHORD_MASKS[quality][root]
        if any(mask >> pc & 1 and pc not in allowed for pc in range(12)):
            return None
    return _CHORD_TABLE[quality, root].copy()


# Nats taken from a note outside a detected key lock that the lock was widened to for a written or
# given chord (region_writer._chord_pitch_classes), at an onset under another chord, and from the
# key's own note at the other third under a chord whose third is outside the key (A under Fm in C
# major, G under E7 in A minor: the altered third's natural form). Widened for the whole region, the
# Ab of an Fm bar came once under F major and never under Fm in 8 variations, and A came 6 times
# under Fm (QA N9).
WIDENED_LOCK_PENALTY = 8.0
# ... and the nats given to such a widened tone under its own chord: allowed but not helped, G#
# never came under the E7 of an A-minor tune in lines (0 of 28 added basses, melodies and counter-
# melodies, QA qa14 W1): the model, told the key, holds to it. 8 bass lines (2 seeds) over two E7
# bars: 3.0 put G# in 2 lines (3 notes of 8 each), 4.0 in 6 (1-5 of 8; one line E A G# G# | G# G# G# A),
# 5.0 in 7 (4-6 of 8: the third more than the root).
WIDENED_TONE_BONUS = 3.0
# Quality -> its third (semitones above the root) and the other third, for the qualities with one.
_THIRDS = {QUALITY_INDEX[q]: (3, 4) for q in ("min", "dim", "min6", "min7", "minmaj7", "dim7", "hdim7")} | \
    {QUALITY_INDEX[q]: (4, 3) for q in ("maj", "aug", "6", "dom7", "maj7", "aug7")}


def widened_lock_prior(roots: np.ndarray, qualities: np.ndarray, key_pitch_classes: frozenset[int],
                       widened: frozenset[int], penalty: float = WIDENED_LOCK_PENALTY) -> np.ndarray:
    """(N_PITCH, n) log-prior of a detected key lock widened to chords' tones, chord by chord: at each
    of n onsets (roots / qualities: vocab indices from chords_at), -penalty for a widened pitch class
    (outside the key) that is not a tone of the chord there, and for the key's note at the other
    third of a chord whose third lies outside the key; WIDENED_TONE_BONUS for a widened pitch class
    under its own chord; 0 elsewhere. The lock as a local chord scale:
    an Fm bar in C major is C major with Ab for A (Levine, *The Jazz Theory Book*, 1995, ch. 3)."""
    roots, qualities = np.asarray(roots), np.asarray(qualities)
    known = (roots < 12) & (qualities < len(QUALITIES))
    intervals = (np.arange(12)[:, None] - np.where(known, roots, 0)[None]) % 12
    tones = _TONE_TABLE[np.where(known, qualities, len(QUALITIES))[None], intervals]  # (12, n)
    out = np.zeros((12, len(roots)))
    for pc in widened:
        out[pc, ~tones[pc]] = -penalty
        out[pc, tones[pc]] = WIDENED_TONE_BONUS
    for j in np.flatnonzero(known):
        thirds = _THIRDS.get(int(qualities[j]))
        if thirds is not None and (int(roots[j]) + thirds[0]) % 12 not in key_pitch_classes:
            natural = (int(roots[j]) + thirds[1]) % 12
            if natural in key_pitch_classes and not tones[natural, j]:
                out[natural, j] = -penalty
    return out[np.arange(V.N_PITCH) % 12]


# Nats taken from an added harmony part's note above the tune's lowest note sounding while its chord
# does (Under). The texture's pull to a top note under the tune (harmony_part.comping_top) alone let
# chords stand over the tune where it dipped: 2.3 % of chord notes over a tune note (stage-8
# weights, 8 seeds), 4.4 % for a model trained longer (QA: 12 %).
UNDER_TUNE_PENALTY = 8.0


@dataclass(frozen=True)
class Under:
    """The tune an added harmony part's chords stay under: its notes as rows (onset, end, pitch),
    grid ticks, sorted by onset, and the chords' length (grid ticks): a chord starting at t sounds
    with the tune's notes from t to t + length."""

    notes: np.ndarray
    length: int
    longest: int = field(init=False)  # the longest note (grid ticks): how far back one may still sound

    def __post_init__(self) -> None:
        object.__setattr__(self, "longest", int((self.notes[:, 1] - self.notes[:, 0]).max()) if len(self.notes) else 0)

    def ceiling(self, onsets: np.ndarray) -> np.ndarray:
        """(len(onsets),) the lowest tune pitch sounding within [t, t + length) of each onset t
        (N_PITCH where none does)."""
        onsets = np.asarray(onsets, dtype=np.int64)
        lo = np.searchsorted(self.notes[:, 0], onsets.min() - self.longest, side="left")  # (sounding at the first onset)
        hi = np.searchsorted(self.notes[:, 0], onsets.max() + self.length, side="left")
        near = self.notes[lo:hi]
        if not len(near):
            return np.full(len(onsets), V.N_PITCH)
        sounding = (near[None, :, 0] < onsets[:, None] + self.length) & (near[None, :, 1] > onsets[:, None])
        return np.where(sounding, near[None, :, 2], V.N_PITCH).min(1)

    def prior(self, onsets: np.ndarray) -> np.ndarray:
        """(N_PITCH, len(onsets)) log-prior: -UNDER_TUNE_PENALTY above each onset's ceiling."""
        return np.where(np.arange(V.N_PITCH)[:, None] > self.ceiling(onsets)[None], -UNDER_TUNE_PENALTY, 0.0)



def root_prior(roots: np.ndarray, weights: np.ndarray, strength: float) -> np.ndarray:
    """(N_PITCH, n) log-prior: strength * weight at each of n onsets for the pitches of the chord's
    root pitch class (roots: vocab indices from chords_at; no chord: nothing), 0 elsewhere. A bass
    line's extra pull to the root, on top of chord_tone_prior (BASS_ROOT_STRENGTH)."""
    roots = np.asarray(roots)
    hit = (np.arange(12)[:, None] == roots[None]) & (roots[None] < 12)  # (12, n)
    return np.where(hit, strength * np.asarray(weights, dtype=np.float64)[None], 0.0)[np.arange(V.N_PITCH) % 12]


APPROACH_STEPS = (-2, -1, 1, 2, 7)  # semitones from the next root: a step either side, or its fifth (dominant)


def approach_prior(next_roots: np.ndarray, approaching: np.ndarray, strength: float) -> np.ndarray:
    """(N_PITCH, n) log-prior: strength at each of n onsets where `approaching` (the next beat
    brings a chord's root) for the pitches that lead to that root (next_roots: vocab indices from
    chords_at; no chord: nothing): a half or whole step either side of it, or its fifth, the
    approach notes of a walking bass line (E. Friedland, *Building Walking Bass Lines*, 1995);
    0 elsewhere."""
    next_roots = np.asarray(next_roots)
    on = np.asarray(approaching, dtype=bool) & (next_roots < 12)
    leads = np.zeros((12, len(next_roots)), dtype=bool)
    for step in APPROACH_STEPS:
        leads[(next_roots + step) % 12, np.arange(len(next_roots))] = True
    return np.where(leads & on[None], strength, 0.0)[np.arange(V.N_PITCH) % 12]


@dataclass(frozen=True)
class GrooveProfile:
    """A drum voice's feel in its context: step, the grid its onsets lie on (grid units; None: no
    clear grid), and log_ratio (N_PITCH, MAX_POSITION), per drum key and position of the bar,
    log(how likely the key is there / uniform over the bar's grid positions); log_top the same for
    the highest key at each onset (the one written first: the notes of one onset are written
    top-down, so a kick chosen first would shut out the hi-hat above it); weight scales every
    prior it gives (BESIDE_WEIGHT for drums written beside other parts)."""

    step: int | None
    log_ratio: np.ndarray
    occupancy: np.ndarray | None = None  # (MAX_POSITION,) share of the context's bars playing there
    log_top: np.ndarray | None = None
    # (N_PITCH, MAX_POSITION): how often an onset there whose key was written has another, lower
    # key (kick and snare under the hi-hat: keys of one onset are written top-down)
    stack: np.ndarray | None = None
    weight: float = 1.0

    def stack_prior(self, key: int, position: int, n_delta: int) -> np.ndarray:
        """(n_delta,) log-prior for the next onset after `key` at `position`: delta 0 (another,
        lower key at the same onset) with the context's stacking rate, any later onset with the rest."""
        if self.stack is None or not 0 <= key < V.N_PITCH:
            return np.zeros(n_delta)
        rate = float(self.stack[key, int(np.clip(position, 0, V.MAX_POSITION - 1))])
        out = np.full(n_delta, np.log1p(-rate))
        out[0] = np.log(rate)
        return self.weight * GROOVE_STRENGTH * out

    def onset_prior(self, positions: np.ndarray, strength: float | None = None) -> np.ndarray:
        """(len(positions),) onset_prior of the context's occupancy, times weight and strength
        (None: ONSET_STRENGTH)."""
        if self.occupancy is None:
            return np.zeros(len(positions))
        return self.weight * (ONSET_STRENGTH if strength is None else strength) * onset_prior(self.occupancy, positions)

    def prior(self, pitches: np.ndarray, positions: np.ndarray, strength: float | None = None,
              fresh: bool = False) -> np.ndarray:
        """(len(pitches), len(positions)) log-prior for those keys at those bar positions
        (strength None: GROOVE_STRENGTH); fresh: the voice has no note at positions[0] yet, so a
        key there starts its onset too (is its highest)."""
        positions = np.clip(np.asarray(positions), 0, V.MAX_POSITION - 1)
        strength = GROOVE_STRENGTH if strength is None else strength
        pitches = np.asarray(pitches)[:, None]
        prior = self.log_ratio[pitches, positions[None]]
        if self.log_top is not None:  # positions[1:] are new onsets: their first key is their highest
            first = 0 if fresh else 1
            prior[:, first:] = self.log_top[pitches, positions[None, first:]]
        return self.weight * strength * prior


def onset_prior(occupancy: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(len(positions),) log-prior of a part's next onset landing on positions[d] of the bar, for
    the onsets d = 0, 1, ... grid ticks after the current one (positions[0]), given occupancy
    (MAX_POSITION,), the share of its context's bars that play at each position: each position
    is played independently with its occupancy, so reaching d skips the positions between
    (log(1 - occupancy) each) and plays d (log occupancy, OCCUPANCY_FLOOR at least). d = 0
    (another note at the same onset): 0."""
    positions = np.clip(np.asarray(positions), 0, V.MAX_POSITION - 1)
    return onsets_prior(occupancy[positions])


def onsets_prior(shares: np.ndarray) -> np.ndarray:
    """onset_prior given each onset's own share of the context's bars playing there (len(onsets),)."""
    skip = np.cumsum(np.log1p(-np.minimum(shares, 1 - 1e-9)))
    prior = np.zeros(len(shares))
    with np.errstate(divide="ignore"):
        prior[1:] = skip[:-1] - skip[0] + np.log(np.maximum(shares[1:], OCCUPANCY_FLOOR))
    return prior


def recency_weights(ticks: np.ndarray, bar_ticks: np.ndarray, start: int, end: int | None) -> np.ndarray:
    """(len(ticks),) weight of each context note by how near the region [start, end) it lies
    (score ticks; bar_ticks: the length of each note's bar): halved every RECENCY_HALF_LIFE bars
    before start or after end, 1 within a bar of it."""
    ticks, bar_ticks = np.asarray(ticks, dtype=np.int64), np.maximum(1, np.asarray(bar_ticks, dtype=np.int64))
    bars = np.maximum(start - 1 - ticks, 0) // bar_ticks
    if end is not None:
        bars = np.where(ticks >= end, (ticks - end) // bar_ticks, bars)
    return 0.5 ** (bars / RECENCY_HALF_LIFE)


def occupancy_of(since_ticks: np.ndarray, bar_ticks: np.ndarray, onsets: np.ndarray,
                 weights: np.ndarray | None = None) -> np.ndarray | None:
    """(MAX_POSITION,) in what share of its bars a part's context starts a note at each position
    of the bar (grid units; smoothed, in [0.02, 0.98]; 0 off the grid it was played on), from
    its onsets' ticks since their bar line, their bar's length and their ticks, each bar counted
    with its onsets' weight (recency_weights; None: 1); None for a context of fewer than
    MIN_RHYTHM_BARS bars (too few to say which positions it keeps)."""
    since_ticks, bar_ticks = np.asarray(since_ticks, dtype=np.int64), np.asarray(bar_ticks, dtype=np.int64)
    bar_start = np.asarray(onsets, dtype=np.int64) - since_ticks
    bars = len(np.unique(bar_start))
    if bars < MIN_RHYTHM_BARS:
        return None
    # Too few onsets for grid_of (a 2-bar skank has 4): the grid all of them lie on exactly. With
    # every grid unit a position, skipping the 23 between beats 2 and 4 cost as much as playing
    # the and of 2 where the context never does, and a 2-bar skank continued in eighths.
    step = grid_of(since_ticks) or next((s for s in GRID_STEPS.values()
                                         if np.all(since_ticks % (s * V.TICKS_PER_GRID) == 0)), 1)
    bar_units = np.maximum(1, bar_ticks // V.TICKS_PER_GRID)
    nearest = np.rint(since_ticks / (step * V.TICKS_PER_GRID)).astype(np.int64) * step
    # A note played just before a bar line is the next bar's downbeat, in that bar: counted in its
    # own, a played waltz's bass on one (up to 25 ticks early) was on 58 % of downbeats, not 100 %,
    # and its continuations left beat one empty (0 of 16 bars; QA qa27 H2).
    bar_start = np.where(nearest >= bar_units, bar_start + bar_ticks, bar_start)
    position = np.clip(np.mod(nearest, bar_units), 0, V.MAX_POSITION - 1)
    slots = np.zeros(V.MAX_POSITION, dtype=bool)
    slots[0:min(int(np.bincount(bar_units).argmax()), V.MAX_POSITION):step] = True
    weights = np.ones(len(bar_start)) if weights is None else np.asarray(weights, dtype=np.float64)
    starts, first = np.unique(bar_start, return_index=True)
    # (as many bars in all as it plays in: the smoothing keeps its weight)
    weight_of = dict(zip(starts.tolist(), (weights[first] / max(weights[first].mean(), 1e-9)).tolist()))
    played = np.zeros(V.MAX_POSITION)
    for p in np.unique(position):
        played[p] = sum(weight_of[b] for b in np.unique(bar_start[position == p]).tolist())
    # (a tenth of a bar's pseudo-count each way: a 2-bar Charleston's never-played and of 3 got
    # 0.1 at 0.25 and was played in 28 of 32 continued bars, the model starting a chord where the
    # last one ends; at 0.1 never)
    return np.where(slots, np.clip((played + 0.1) / (sum(weight_of.values()) + 0.2), 0.02, 0.98), 0.0)


@dataclass(frozen=True)
class Texture:
    """A chordal voice's texture in its context (block chords, written top-down): rates
    (MAX_STACK,), rates[k - 1] how often an onset of it with k notes has another (smoothed, in
    [0.02, 0.98]; sizes it never reaches: its largest chords' rate), and gaps (MAX_GAP + 1,), per interval in
    semitones from a chord note down to the next, the log-ratio of its share (smoothed) to uniform
    over 1..MAX_GAP (the context's voicing; index 0 unused), and top, the median pitch of its
    chords' top notes (where a new chord starts: the model, which learnt lines, starts it near the
    last chord's lowest note, and the part sank by a chord's span at a time)."""

    rates: np.ndarray
    gaps: np.ndarray
    top: float
    # (MAX_POSITION,) occupancy_of its chords' onsets: the model, which learnt lines, set a part
    # of half-note chords moving in quarters and eighths; None: no rhythm kept
    occupancy: np.ndarray | None = None
    # (N_DURATION,) log of the context's share of each note length (index = grid units - 1,
    # smoothed): the model gave half-note chords an eighth's length; None: any length. Given the
    # bars, (MAX_POSITION, N_DURATION): the share among its notes at each bar position (smoothed
    # toward all its notes'): a syncopated part of dotted-quarter, half and eighth chords (one
    # length per position) made 79 % of its chords eighths with one share for all positions
    durations: np.ndarray | None = None
    # (MAX_POSITION, MAX_STACK) rates and (MAX_POSITION,) tops of its onsets at each bar position
    # (smoothed toward rates and top): a stride part (a bass note on 1 and 3, a chord on 2 and 4)
    # has one rate of 0.5 for a single note and its chords' tops half bass notes, and continued
    # as one line of single notes around their median (126 of 128 onsets); None: one for all
    rates_at: np.ndarray | None = None
    top_at: np.ndarray | None = None
    # (n, 2): each context chord's pitch classes (a 12-bit mask, C = bit 0) and top note, for the
    # top of a new chord under a known chord (chord_tops): a pianist's left hand voices each chord
    # its own way (Dm as A3 F3 D3 D2, G as D3 B2 G2 G1), and one top for all, the median (E3),
    # had a planned Dm begin on D3, with only octaves of D left under it (QA: bare octaves in
    # every bar of a played piano's fill); None: one top for all
    voicings: np.ndarray | None = None
    # (MAX_STACK, MAX_GAP + 1) gaps as `gaps`, for the interval under a chord of k notes at row
    # k - 1 (smoothed toward gaps): a left hand of close triads over the root an octave down
    # (gaps 4 3 12, top-down) has its octave only at the bottom, and with one share for every
    # depth a Dm under A3 went A2 A1 as often as F3 D3 (bare octaves); None: gaps at every depth
    gaps_at: np.ndarray | None = None
    # (12,) LOW_INTERVAL_LIMITS where the context voices no interval lower (index: the interval in
    # semitones): lowered to the lowest lower note at which it plays each, at least twice. A
    # pianist's open left hand (G1 D2 B2, A1 E2 C3) had its own fifths below the table's Bb1
    # penalised as muddy, and its chords lost their bottom note: bare tenths and sixths
    low_limits: np.ndarray | None = None
    # A made-up comping part (region_writer.default_comping): a chord under a known chord holds
    # each of its tones once before any is doubled, and stops when it has them all, so a seventh
    # chord sounds its four (its triad-only context had voiced G7 as G B D in 12 of 12 bars, QA qa33)
    complete: bool = False
    # prior()'s answers by (notes above, bar positions): a fill's variations and steps ask again
    _answers: dict = field(default_factory=dict, compare=False, repr=False)
    _tops: dict = field(default_factory=dict, compare=False, repr=False)  # chord_tops by pitch-class mask

    def chord_tops(self, tones: list[np.ndarray | None]) -> np.ndarray | None:
        """(len(tones),) the median top note of the context's chords made of each chord's tones
        ((12,) bool, chord_tones; None: no chord known there): its onsets of two or more pitch
        classes, none outside the chord; NaN where it has none, None where none at all (or
        voicings is None). (Tops by bar position were tried: a stride part's downbeat octaves,
        whose one pitch class keeps them out of `voicings`, then got the position's median top
        with a third under it: octaves on beats 1 and 3 of its fills and continuations 40 of 96
        without, 7 with.)"""
        if self.voicings is None or not len(self.voicings):
            return None
        out, found = np.full(len(tones), np.nan), {}
        for i, chord in enumerate(tones):
            if chord is None:
                continue
            if id(chord) not in found:  # (each chord's one array, read at every onset it spans)
                found[id(chord)] = self._chord_top(int(_BITS[chord].sum()))
            out[i] = found[id(chord)]
        return None if np.isnan(out).all() else out

    def _chord_top(self, key: int) -> float:
        """chord_tops for the chord of pitch-class mask `key` (kept: every step of a run asks)."""
        if key not in self._tops:
            masks, tops = self.voicings[:, 0], self.voicings[:, 1]
            inside = (masks & ~key) == 0  # no pitch class outside the chord
            # (the lower median, a top the context plays: a jazz left hand alternating G7 shells
            # topped by B3 and F4 had the median D4 pulled to, the fifth its shells leave out, and
            # its new G7s were voiced D3 G3 D4)
            found = np.sort(tops[inside])
            self._tops[key] = float(found[(len(found) - 1) // 2]) if len(found) else np.nan
        return self._tops[key]

    def _top_pull(self, positions: np.ndarray | None, n_delta: int, tops: np.ndarray | None = None) -> np.ndarray:
        """(N_PITCH, n_delta) log-prior of a new chord's top note at each delta: TOP_PULL nats a
        semitone beyond TOP_WIDTH from the context's top (at the delta's bar position, if known;
        tops (n_delta,): the context's top for the chord there, chord_tops, where not NaN, more
        than TOP_WIDTH from that top, and its onsets at that bar position are mostly chords)."""
        top = np.full(n_delta, self.top)
        chordal = np.ones(n_delta, dtype=bool)
        if self.top_at is not None and positions is not None:
            at = np.clip(np.asarray(positions), 0, V.MAX_POSITION - 1)
            top = self.top_at[at]
            # (where its onsets are mostly single notes, a stride part's bass on 1 and 3, their top)
            chordal = self.rates_at is None or self.rates_at[at, 0] >= 0.5
        width = np.full(n_delta, TOP_WIDTH)
        if tops is not None:  # (only beyond the width: within it the pull admits that voicing already, and
            # a band's piano whose triads all lie within it followed a bar's chords less, 61 -> 56 of 64 bars)
            own = ~np.isnan(tops) & chordal & (np.abs(tops - top) > TOP_WIDTH)
            top, width = np.where(own, tops, top), np.where(own, CHORD_TOP_WIDTH, width)
        return -TOP_PULL * np.clip(np.abs(np.arange(V.N_PITCH)[:, None] - top[None]) - width[None], 0, None)

    def entry_prior(self, positions: np.ndarray, fresh: bool, tops: np.ndarray | None = None) -> np.ndarray:
        """(N_PITCH, len(positions)) log-prior for the voice's next note when the last note written
        was another voice's (or none) at bar position positions[0]: its onset where the context's
        chords start (RHYTHM_STRENGTH times onset_prior; fresh: the voice has no note at
        positions[0] yet, so delta 0 starts a chord there at the context's odds) and its pitch, the
        new chord's top, pulled toward the context's (TOP_PULL; tops: chord_tops of the chords
        there). Requires occupancy."""
        positions = np.clip(np.asarray(positions), 0, V.MAX_POSITION - 1)
        rhythm = RHYTHM_STRENGTH * onset_prior(self.occupancy, positions)
        if fresh:
            share = float(self.occupancy[positions[0]])
            rhythm[0] = RHYTHM_STRENGTH * (np.log(max(share, 1e-9)) - np.log1p(-min(share, 0.99)))
        return rhythm[None] + self._top_pull(positions, len(positions), tops)

    def prior(self, above: list[int], n_delta: int, positions: np.ndarray | None = None,
              chord: np.ndarray | None = None, tops: np.ndarray | None = None) -> np.ndarray:
        """(N_PITCH, n_delta) log-prior for the voice's next note when its last onset holds the
        pitches `above` (written top-down, at least one): delta 0 (a note under them) with the
        context's rate for that many notes, placed at the context's intervals below the lowest
        and in a chord (a CHORD_INTERVALS template) with them (else CHORD_FIT_PENALTY); any
        later onset with the rest (TEXTURE_STRENGTH times the log-odds), a new chord's top note
        pulled toward the context's (TOP_PULL nats a semitone beyond TOP_WIDTH) and, given the
        bar positions (n_delta,) of the deltas, its onset landing where the context's chords do
        (RHYTHM_STRENGTH times onset_prior). chord: (12,) bool, the tones of the chord sounding
        there (chord_tones) for a part that plays the chords: when the notes above are its tones,
        a note under them fits as one of them only, not as a tone of any chord they belong to. An
        added comping part's first chord under "C" was D3 G3 C4 (a Gsus4 that fits C and G) in 3
        of 9 variations, where the model, with no chord of its own before, leant 2.8 nats to D3
        and only the chord-tone bonus (COMPING_CHORD_STRENGTH) held it back (QA). A note closer
        under the lowest than its interval's low limit (LOW_INTERVAL_LIMITS) loses
        LOW_INTERVAL_PENALTY."""
        key = (tuple(above), n_delta, None if positions is None else np.asarray(positions).tobytes(),
               None if chord is None else chord.tobytes(), None if tops is None else tops.tobytes())
        if key in self._answers:
            return self._answers[key].copy()
        rates = self.rates if self.rates_at is None or positions is None else \
            self.rates_at[int(np.clip(np.asarray(positions)[0], 0, V.MAX_POSITION - 1))]
        rate = float(rates[min(len(above), MAX_STACK) - 1])
        out = np.full((V.N_PITCH, n_delta), np.log1p(-rate))
        gap = above[-1] - np.arange(V.N_PITCH)
        gaps = self.gaps if self.gaps_at is None else self.gaps_at[min(len(above), MAX_STACK) - 1]
        voicing = np.where((gap >= 1) & (gap <= MAX_GAP), gaps[np.clip(gap, 0, MAX_GAP)], gaps[1:].min())
        classes = sorted({p % 12 for p in above})
        fits = _TEMPLATES[_TEMPLATES[:, classes].all(1)].any(0)  # pitch classes completing a chord with them
        if chord is not None and chord[classes].all():  # ... the chord sounding there, when they are its tones
            fits = chord
            if self.complete:  # ... its tones not yet there, and no more once it has them all
                missing = chord.copy()
                missing[classes] = False
                rate = max(rate, COMPLETE_RATE) if missing.any() else min(rate, 1.0 - COMPLETE_RATE)
                out[:] = np.log1p(-rate)
                fits = missing if missing.any() else chord
            # ... and no note outside it voiced better than the best of its tones: a part of close
            # root-position triads (gaps of thirds) with G on top can sound G major only with a
            # fourth under it, and the voicing alone had made it C major (E3 under G3) in 7 of 12
            # bars of a planned G (harmony_plan)
            fitting = fits[np.arange(V.N_PITCH) % 12] & (gap >= 1) & (gap <= MAX_GAP)
            if fitting.any():
                voicing = np.where(fitting, voicing, np.minimum(voicing, voicing[fitting].max()))
        limits = LOW_INTERVAL_LIMITS if self.low_limits is None else self.low_limits
        muddy = (gap >= 1) & (gap < 12) & (np.arange(V.N_PITCH) < limits[np.clip(gap, 0, 11)])
        out[:, 0] = np.log(rate) + voicing - np.where(fits[np.arange(V.N_PITCH) % 12], 0.0, CHORD_FIT_PENALTY) \
            - LOW_INTERVAL_PENALTY * muddy
        out *= TEXTURE_STRENGTH
        out[:, 1:] += self._top_pull(None if positions is None else np.asarray(positions)[1:], n_delta - 1,
                                     None if tops is None else tops[1:])
        if self.occupancy is not None and positions is not None:
            out += RHYTHM_STRENGTH * onset_prior(self.occupancy, positions)[None]
        if len(self._answers) < 4096:
            self._answers[key] = out.copy()
        return out


def texture_of(onsets: np.ndarray, pitches: np.ndarray, bars: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
               durations: np.ndarray | None = None, weights: np.ndarray | None = None) -> Texture | None:
    """The Texture of a voice's context notes (onsets in grid ticks, MIDI pitches; bars: their
    ticks since the bar line, bar lengths and onset ticks, for the chords' rhythm; durations in
    grid ticks, for their lengths; weights: each note's, recency_weights, for the rhythm and
    lengths); None for a voice that sounds 2+ notes together at fewer than CHORD_SHARE of its onsets (a line:
    composer.music.roles) or has fewer than 4 onsets (a bar of whole-note chords is one)."""
    onsets, pitches = np.asarray(onsets, dtype=np.int64), np.asarray(pitches, dtype=np.int64)
    _, sizes = np.unique(onsets, return_counts=True)
    if len(sizes) < 4 or np.mean(sizes > 1) < CHORD_SHARE:
        return None
    k = np.arange(1, MAX_STACK + 1)[:, None]
    more, reached = (sizes[None] > k).sum(1), (sizes[None] >= k).sum(1)
    rates = np.clip((more + 0.5) / (reached + 1.0), 0.02, 0.98)
    # A chord grows no larger than its context's: at 0.5 past its largest size, the voicing's
    # bonus made another note likelier than a new chord, and a stride part's triads that once got
    # a fourth note went on to 7 and 8 notes (19 of 64 chords).
    # (A voice of both hands' notes can sound more than MAX_STACK at once: 10-note chords raised
    # IndexError here, and Fill or Add part failed on the piece.)
    largest = min(int(sizes.max()), MAX_STACK)
    rates[largest:] = rates[largest - 1]
    order = np.lexsort((-pitches, onsets))  # each chord top-down
    gap = -np.diff(pitches[order])
    inside = (np.diff(onsets[order]) == 0) & (gap >= 1) & (gap <= MAX_GAP)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])  # each onset's first note in `order`
    # the notes above each gap's lower note: its rank in its chord, top-down
    depth = (np.arange(len(order)) - np.repeat(starts, sizes))[1:]
    lower = pitches[order][1:][inside]  # each gap's lower note
    gap, depth = gap[inside], np.minimum(depth[inside], MAX_STACK) - 1
    low_limits = LOW_INTERVAL_LIMITS.copy()
    for size in np.unique(gap[gap < 12]):
        played = np.sort(lower[gap == size])
        if len(played) >= 2:  # (its second lowest: one stray chord sets no limit)
            low_limits[size] = min(low_limits[size], int(played[1]))
    share = (np.bincount(gap, minlength=MAX_GAP + 1)[1:] + _VOICING_SMOOTH) / (len(gap) + _VOICING_SMOOTH * MAX_GAP)
    counts = np.zeros((MAX_STACK, MAX_GAP + 1))
    np.add.at(counts, (depth, gap), 1.0)
    share_at = DEPTH_SHARE * (counts[:, 1:] + _DEPTH_SMOOTH * share[None]) / (counts.sum(1, keepdims=True) + _DEPTH_SMOOTH) \
        + (1 - DEPTH_SHARE) * share[None]
    tops = pitches[order][starts]  # each onset's first, highest note
    occupancy = None
    if bars is not None:
        since, bar_ticks, ticks = (np.asarray(a, dtype=np.int64) for a in bars)
        _, first = np.unique(ticks, return_index=True)  # one entry per chord
        occupancy = occupancy_of(since[first], bar_ticks[first], ticks[first],
                                 None if weights is None else np.asarray(weights)[first])
    lengths = None if durations is None else length_prior(durations, None if bars is None else bars[0], weights)
    rates_at = top_at = None
    if bars is not None:  # the same per bar position of its onsets, smoothed toward all onsets'
        # (the nearest grid point: a chord played just before a bar line is that line's; occupancy_of)
        since = np.asarray(bars[0], dtype=np.int64)[order][starts]
        units = np.maximum(1, np.asarray(bars[1], dtype=np.int64)[order][starts] // V.TICKS_PER_GRID)
        position = np.clip(np.mod(np.rint(since / V.TICKS_PER_GRID).astype(np.int64), units), 0, V.MAX_POSITION - 1)
        more_at, reached_at = np.zeros((V.MAX_POSITION, MAX_STACK)), np.zeros((V.MAX_POSITION, MAX_STACK))
        np.add.at(more_at, position, (sizes[:, None] > k.T).astype(float))
        np.add.at(reached_at, position, (sizes[:, None] >= k.T).astype(float))
        rates_at = np.clip((more_at + _POSITION_SMOOTH * rates[None]) / (reached_at + _POSITION_SMOOTH), 0.02, 0.98)
        top_at = np.full(V.MAX_POSITION, float(np.median(tops)))
        for p in np.unique(position):
            if (position == p).sum() >= 2:
                top_at[p] = float(np.median(tops[position == p]))
    # each onset's pitch classes as a 12-bit mask, for those of two or more: the context's voicings
    masks = np.zeros(len(sizes), dtype=np.int64)
    np.bitwise_or.at(masks, np.repeat(np.arange(len(sizes)), sizes), 1 << (pitches[order] % 12))
    several = np.array([bin(m).count("1") >= 2 for m in masks], dtype=bool)
    return Texture(rates=rates, gaps=np.concatenate([[0.0], np.log(share * MAX_GAP)]), top=float(np.median(tops)),
                   rates_at=rates_at, top_at=top_at,
                   occupancy=occupancy, durations=lengths,
                   voicings=np.stack([masks[several], tops[several]], axis=1) if several.any() else None,
                   gaps_at=np.concatenate([np.zeros((MAX_STACK, 1)), np.log(share_at * MAX_GAP)], axis=1),
                   low_limits=low_limits)


def length_prior(durations: np.ndarray, since_ticks: np.ndarray | None = None,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """Log-shares of a part's note lengths (durations in grid ticks; index = grid units - 1,
    smoothed): (N_DURATION,), or given each note's ticks since its bar line (MAX_POSITION,
    N_DURATION), the share among its notes at each bar position, smoothed toward all its notes'.
    weights: each note's (recency_weights; None: 1)."""
    index = np.clip(np.asarray(durations, dtype=np.int64) - 1, 0, V.N_DURATION - 1)
    weight = np.ones(len(index)) if weights is None else np.asarray(weights, dtype=np.float64)
    weight = weight / max(weight.mean(), 1e-9)  # as many notes in all (the smoothing keeps its weight)
    counts = np.bincount(index, weight, minlength=V.N_DURATION) + _DURATION_SMOOTH / V.N_DURATION
    lengths = np.log(counts / counts.sum())
    if since_ticks is None:
        return lengths
    position = np.clip(np.asarray(since_ticks, dtype=np.int64) // V.TICKS_PER_GRID, 0, V.MAX_POSITION - 1)
    at = np.zeros((V.MAX_POSITION, V.N_DURATION))
    np.add.at(at, (position, index), weight)
    return np.log((at + _POSITION_SMOOTH * np.exp(lengths)) / (at.sum(1, keepdims=True) + _POSITION_SMOOTH))


@dataclass(frozen=True)
class LineRhythm:
    """The rhythm an accompanying line (a bass or inner part of single notes) keeps from its
    context: occupancy (MAX_POSITION,), the share of its bars that start a note at each bar
    position (occupancy_of), and durations (MAX_POSITION, N_DURATION), the log-share of its note
    lengths there (length_prior). Beside a tune the model, which learnt mostly melodies, moved a
    whole-note bass in quarters and eighths (1.7-3.9 notes a bar instead of 1)."""

    occupancy: np.ndarray
    durations: np.ndarray
    # A line made up for a new part (region_writer.default_bass_line), in one meter: its notes end
    # by the bar line, so that in another meter's shorter bar a held note does not cover the next
    # downbeat (a whole-note pattern of 4/4 took 7 of 96 downbeats of the 3/4 bars after it, QA).
    within_bar: bool = False
    # A made-up walking line (a jazz style's): its last pitch again loses WALKING_REPEAT_PENALTY.
    walking: bool = False
    # The share of its context's onsets (grid) that start two notes or more of it; None: not known.
    stacked: float | None = None

    def prior(self, positions: np.ndarray, fresh: bool) -> np.ndarray:
        """(len(positions),) log-prior of the line's next onset at positions[d] of the bar, d grid
        ticks after the current onset: RHYTHM_STRENGTH times onset_prior; fresh (its last note
        was not at this onset, e.g. the region's first): delta 0 at its context's odds there;
        else delta 0, a second note at the onset, at the odds of `stacked`, free from
        STACK_FREE up."""
        positions = np.clip(np.asarray(positions), 0, V.MAX_POSITION - 1)
        rhythm = RHYTHM_STRENGTH * onset_prior(self.occupancy, positions)
        if fresh:
            share = float(self.occupancy[positions[0]])
            rhythm[0] = RHYTHM_STRENGTH * (np.log(max(share, 1e-9)) - np.log1p(-min(share, 0.99)))
        elif self.stacked is not None:
            rhythm[0] = RHYTHM_STRENGTH * min(0.0, np.log(max(self.stacked, 1e-9)) - np.log(STACK_FREE))
        return rhythm


def line_rhythm_of(bars: tuple[np.ndarray, np.ndarray, np.ndarray], durations: np.ndarray,
                   weights: np.ndarray | None = None) -> LineRhythm | None:
    """The LineRhythm of a line's context notes (bars: their ticks since the bar line, bar
    lengths and onset ticks; durations in grid ticks; weights: recency_weights), None for a
    context of fewer than MIN_RHYTHM_BARS bars."""
    since, bar_ticks, ticks = (np.asarray(a, dtype=np.int64) for a in bars)
    occupancy = occupancy_of(since, bar_ticks, ticks, weights)
    if occupancy is None:
        return None
    onsets = np.unique(np.rint(ticks / V.TICKS_PER_GRID))
    return LineRhythm(occupancy=occupancy, durations=length_prior(durations, since, weights),
                      stacked=1.0 - len(onsets) / max(1, len(ticks)))


def grid_of(since_ticks: np.ndarray) -> int | None:
    """The grid (GRID_STEPS value) that onsets, given as ticks since their bar line, were played on:
    the one they lie closest to on average, if within _GRID_FIT of its step; None otherwise."""
    since_ticks = np.asarray(since_ticks, dtype=np.float64)
    if len(since_ticks) < 8:
        return None
    best, best_fit = None, _GRID_FIT
    for step in GRID_STEPS.values():
        ticks = step * V.TICKS_PER_GRID
        offset = np.mod(since_ticks, ticks)
        fit = float(np.mean(np.minimum(offset, ticks - offset)) / ticks)
        if fit < best_fit:
            best, best_fit = step, fit
    return best


ON_GRID_SHARE = 0.97  # share of onsets exactly on a grid for a written (quantised) part to keep it


def written_grid(since_ticks: np.ndarray) -> int | None:
    """The grid (GRID_STEPS value) a written, quantised part keeps: straight sixteenths when at
    least ON_GRID_SHARE of its onsets (ticks since their bar line) lie exactly on them, else
    eighth-note triplets likewise; None for fewer than 8 onsets, a played (unquantised) part, or
    one that mixes the two. Sixteenths first: quarters and eighths lie on both, and allow both."""
    since_ticks = np.asarray(since_ticks, dtype=np.int64)
    if len(since_ticks) < 8:
        return None
    for step in GRID_STEPS.values():
        if np.mean(since_ticks % (step * V.TICKS_PER_GRID) == 0) >= ON_GRID_SHARE:
            return step
    return None


PLAYED_STEPS = (6, 4)  # eighths, eighth-note triplets (grid units): the beats a played line is near
PLAYED_SLACK = 1  # grid units (1/12 of a quarter) a played note may sit off its beat
PLAYED_SHARE = 0.8  # share of its onsets near such a grid that makes a played line keep to it ...
PLAYED_ON = 0.4  # ... with this share on it (rounded to the model's grid)


def played_grid(since_grid: np.ndarray) -> int | None:
    """The grid (PLAYED_STEPS) a played, unquantised line keeps within PLAYED_SLACK: at least
    PLAYED_SHARE of its onsets (grid units since their bar line, each rounded to the model's grid)
    that near it and PLAYED_ON on it, eighths first; None for fewer than 8 onsets or none. A continuation of a played
    eighth-note line (onsets 12 ticks from the beat at the median) started at its last note, off
    the beat, and its eighths went on a third of a beat late (QA); kept near the grid, it keeps
    the player's feel and the beat."""
    since_grid = np.asarray(since_grid, dtype=np.int64)
    if len(since_grid) < 8:
        return None
    for step in PLAYED_STEPS:
        off = since_grid % step
        # (and on it for the most part: a line of off-beat sixteenths lies a unit from every triplet)
        if np.mean(np.minimum(off, step - off) <= PLAYED_SLACK) >= PLAYED_SHARE and np.mean(off == 0) >= PLAYED_ON:
            return step
    return None


def on_beat_pull(since_grid: np.ndarray, step: int) -> float:
    """Log-odds of a played line's note exactly on its grid point rather than at one of the two
    next to it, as its context has them (its onsets rounded to the model's grid; clipped to 0-3):
    without it a continuation that began a grid unit late stayed late (every note 40 ticks after
    the beat, where the player's were 12 at the median)."""
    off = np.asarray(since_grid, dtype=np.int64) % step
    exact = np.mean(off == 0)
    beside = np.mean(np.minimum(off, step - off) == 1) / 2
    return float(np.clip(np.log((exact + 0.05) / (beside + 0.05)), 0.0, 3.0))


# Log-odds taken from a swung line's onsets at the middle triplet of the beat (and the units beside
# it): a played line on the triplet grid whose onsets come to the first and third triplets of each
# quarter, and to the middle one less than UNPLAYED_SHARE of the time (16 onsets or more), is swung
# eighths (long-short), and was continued as running triplets: 5-11 of each variation's onsets on
# the middle triplet where the player had none (QA N7). Only there: a line of quarters on the
# eighth grid may well go on in eighths (a density of 6 a bar asked of a waltz tune of quarters
# got 4-5 with every off-beat eighth taken away).
UNPLAYED_SUBDIVISION = 6.0
UNPLAYED_SHARE = 0.05
QUARTER_UNITS = 12  # grid units in a quarter note
_TRIPLET = 4  # grid units of an eighth-note triplet


def unplayed_subdivisions(since_grid: np.ndarray, step: int) -> np.ndarray | None:
    """(QUARTER_UNITS,) log-prior over positions within the quarter (grid units) for a played line
    on grid `step` (played_grid) whose onsets (grid units since their bar line) are swung eighths:
    -UNPLAYED_SUBDIVISION around the middle triplet, 0 elsewhere; None for another line or fewer
    than 16 onsets. The line keeps its long-short subdivision of the beat, as it keeps its grid
    (played_grid) and its beat (on_beat_pull)."""
    since_grid = np.asarray(since_grid, dtype=np.int64)
    if step != _TRIPLET or len(since_grid) < 16:
        return None
    nearest = (np.rint(since_grid / step).astype(np.int64) * step) % QUARTER_UNITS
    first, middle, last = (np.mean(nearest == p) for p in (0, _TRIPLET, 2 * _TRIPLET))
    if middle >= UNPLAYED_SHARE or min(first, last) < UNPLAYED_SHARE:
        return None
    out = np.zeros(QUARTER_UNITS)
    out[np.arange(_TRIPLET - PLAYED_SLACK, _TRIPLET + PLAYED_SLACK + 1)] = -UNPLAYED_SUBDIVISION
    return out


def near_grid(positions: np.ndarray, step: int) -> np.ndarray:
    """(n,) bool: the positions (grid units since the bar line) within PLAYED_SLACK of the grid."""
    off = np.asarray(positions) % step
    return np.minimum(off, step - off) <= PLAYED_SLACK


def groove_profile(since_ticks: np.ndarray, bar_ticks: np.ndarray, pitches: np.ndarray,
                   onsets: np.ndarray) -> GrooveProfile | None:
    """The GrooveProfile of a drum voice's context notes (ticks since their bar line, their bar's
    length in ticks, their keys, their onset ticks); None for fewer than 8 notes."""
    since_ticks, pitches = np.asarray(since_ticks, dtype=np.int64), np.asarray(pitches, dtype=np.int64)
    bar_ticks = np.asarray(bar_ticks, dtype=np.int64)
    if len(since_ticks) < 8:
        return None
    step = grid_of(since_ticks)
    unit = (step or 1) * V.TICKS_PER_GRID
    bar_units = np.maximum(1, bar_ticks // V.TICKS_PER_GRID)
    # Each onset at its nearest grid point (a note played just before the bar line belongs to the next bar).
    position = np.mod(np.rint(since_ticks / unit).astype(np.int64) * (step or 1), bar_units)
    position = np.clip(position, 0, V.MAX_POSITION - 1)
    bar_len = int(np.bincount(bar_units).argmax())
    slots = np.zeros(V.MAX_POSITION, dtype=bool)
    slots[0:min(bar_len, V.MAX_POSITION):(step or 1)] = True
    slots[position] = True
    uniform = 1.0 / slots.sum()

    def key_ratio(position: np.ndarray, pitches: np.ndarray, totals: np.ndarray) -> np.ndarray:
        # totals: each key's notes in the context (a key that is never on top has little share)
        every = np.bincount(position, minlength=V.MAX_POSITION).astype(np.float64)
        every = np.where(slots, (every + 0.5) / (every.sum() + 0.5 * slots.sum()), 0.0)
        ratio = np.full((V.N_PITCH, V.MAX_POSITION), -8.0)
        ratio[:, slots] = np.log(every[slots] / uniform)  # keys the context does not play: all keys' profile
        for key in np.flatnonzero(totals):
            own = np.bincount(position[pitches == key], minlength=V.MAX_POSITION).astype(np.float64)
            share = (own + _GROOVE_SMOOTH * every) / (totals[key] + _GROOVE_SMOOTH)
            ratio[key, slots] = np.log(share[slots] / uniform)
        return ratio

    near_next = np.rint(since_ticks / unit).astype(np.int64) * (step or 1) >= bar_units
    bar_start = np.asarray(onsets, dtype=np.int64) - since_ticks + np.where(near_next, bar_ticks, 0)
    # The highest key of each onset (bar, position).
    order = np.lexsort((-pitches, position, bar_start))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (np.diff(bar_start[order]) != 0) | (np.diff(position[order]) != 0)
    tops = order[first]
    totals = np.bincount(pitches, minlength=V.N_PITCH)
    log_ratio, log_top = key_ratio(position, pitches, totals), key_ratio(position[tops], pitches[tops], totals)
    # In how many of its bars the context plays at each position (a position it always plays is
    # rarely skipped; one it never plays is rarely landed on).
    bars = len(np.unique(bar_start))
    played = np.zeros(V.MAX_POSITION)
    for p in np.unique(position):
        played[p] = len(np.unique(bar_start[position == p]))
    occupancy = np.where(slots, np.clip((played + 0.25) / (bars + 0.5), 0.02, 0.98), 0.0)
    # Stacking: each note of an onset but its lowest has a lower key under it.
    lower = np.zeros(len(order), dtype=bool)
    last = np.ones(len(order), dtype=bool)
    last[:-1] = first[1:]  # the last of each onset group in top-down order is its lowest key
    lower[order] = ~last
    seen = np.zeros((V.N_PITCH, V.MAX_POSITION))
    stacked = np.zeros((V.N_PITCH, V.MAX_POSITION))
    np.add.at(seen, (pitches, position), 1.0)
    np.add.at(stacked, (pitches, position), lower.astype(np.float64))
    overall = (stacked.sum() + 0.5) / (seen.sum() + 1.0)
    stack = np.clip((stacked + overall) / (seen + 1.0), 0.02, 0.98)
    return GrooveProfile(step=step, log_ratio=log_ratio, occupancy=occupancy, log_top=log_top, stack=stack)


# An ostinato: a bass riff, an Alberti or arpeggio figure that an accompanying line states bar for
# bar. Written beside the tune, such a line lost it from its first bar (a one-bar riff stated 8
# times came back 0 times in 16 continued bars; QA): the encoder stream interleaves the voices, so
# what follows a riff note there is often the tune's next note, and the copy took its interval.
# Over chords written or given, the figure moves with their roots.
# Log-odds toward the figure's next note (its pitch at its onset). Over three riffs (a rock riff, an
# Alberti figure, a walking line) under a tune, 4 bars x 12 continuations each: 3.0 kept 54-77 % of
# the notes and no bar whole (single wrong notes in every bar, heard as mistakes); 5.0 31-46 % of
# the bars; 7.0 77-85 % of the bars and 97-98 % of the notes, a player who keeps the riff and
# varies a bar in four or five. Without it: 15-25 % of the notes, no bar.
OSTINATO_STRENGTH = 7.0
# ... and its mixture weight on top (sampling._riff_note): a bass's 4-bar root-fifth loop under a
# tune and a piano, continued 40 bars, had the loop's root on beat 1 in 21-47 of 51-58 bars with
# the bonus alone (the model expected the previous bar's note there), 49-57 with weight 0.5, all
# but one of 165 with 0.7 (QA).
OSTINATO_WEIGHT = 0.7
OSTINATO_STATEMENTS = 3  # statements in a row, at the end of the line's context, that make one
OSTINATO_BARS = (1, 2, 4)  # figure lengths looked for, in bars (the shortest that repeats wins)


@dataclass(frozen=True)
class Ostinato:
    """A figure repeated every `period` grid ticks from `anchor` (a bar line, grid ticks): its
    notes' offsets in the period (ascending; the notes of a chord at one offset, top down) and
    pitches; roots: the chord root (pitch class) under each note in its last statement, -1 where
    none is known (None: no chords known)."""

    anchor: int
    period: int
    offsets: tuple[int, ...]
    pitches: tuple[int, ...]
    roots: tuple[int, ...] | None = None
    thirds: tuple[int, ...] | None = None  # the third (3 minor, 4 major, -1 none) of the chord under each note
    # A riff that moves with its chords: its last statement over each chord root (pitch class ->
    # pitches), played as it was where that root comes back (None: moved by the nearest interval)
    by_root: dict[int, tuple[int, ...]] | None = None
    # Each note's length in its last statement (grid units; None: unknown): a swung riff whose
    # lengths were the model's held its b7 over the next note's onset and lost its place (QA)
    lengths: tuple[int, ...] | None = None

    def _next(self, after: int, below: int | None) -> tuple[int, int]:
        """(turn, index) of the figure's next note (next_note)."""
        turn, offset = divmod(after - self.anchor, self.period)
        if below is None:
            k = next((i for i, o in enumerate(self.offsets) if o >= offset), None)
        else:
            k = next((i for i, (o, p) in enumerate(zip(self.offsets, self.pitches))
                      if o > offset or (o == offset and p < below)), None)
        return (turn + 1, 0) if k is None else (turn, k)

    def next_length(self, after: int, below: int | None = None) -> int | None:
        """The grid length of the figure's next note (next_note's), None where unknown."""
        return None if self.lengths is None else self.lengths[self._next(after, below)[1]]

    def next_note(self, after: int, root_at: Callable[[int], int] | None = None,
                  below: int | None = None, third_at: Callable[[int], int] | None = None) -> tuple[int, int]:
        """(grid onset, pitch) of the figure's next note: its first at or after grid tick `after`;
        with `below` (the lowest pitch just written at `after`), the next note under it there, else
        the first after `after` (a chord is written top down). With root_at (grid onset -> the
        chord root there, -1 none) the note moves with the chords: by the nearest interval (-6..+5
        semitones) from its root in the figure to the root there, as a riff played over I goes up
        a fourth where the chord is IV; with third_at (grid onset -> 3 or 4 semitones, -1 none)
        a note on its chord's third takes the third of the chord there (a riff kept to A minor,
        moved under F major, had played its C as Ab: the minor third over a major chord; QA)."""
        turn, k = self._next(after, below)
        onset, pitch = self.anchor + turn * self.period + self.offsets[k], self.pitches[k]
        if root_at is not None and self.roots is not None and self.roots[k] >= 0:
            root = root_at(onset)
            if self.by_root is not None and root in self.by_root:
                # (as it was played over that root: moved by the nearest interval each time, a boogie
                # riff climbed a fourth at each change of I, IV and V)
                return onset, self.by_root[root][k]
            if root >= 0:
                third = self.thirds[k] if self.thirds is not None else -1
                on_third = third > 0 and (self.pitches[k] - self.roots[k]) % 12 == third
                pitch += (root - self.roots[k] + 6) % 12 - 6
                there = third_at(onset) if third_at is not None and on_third else -1
                if there > 0:
                    pitch += there - third
        return onset, pitch

    def prior(self, after: int, root_at: Callable[[int], int] | None = None, below: int | None = None,
              third_at: Callable[[int], int] | None = None, *, origin: int,
              strength: float = OSTINATO_STRENGTH) -> np.ndarray | None:
        """(N_PITCH, N_DELTA) log-prior: `strength` on the figure's next note (next_note: its pitch
        at its onset, as a delta from `origin`, the sampler's last onset), 0 elsewhere; None when
        that onset is beyond the deltas."""
        onset, pitch = self.next_note(after, root_at, below, third_at)
        delta = onset - origin
        if not 0 <= delta < V.N_DELTA or not 0 <= pitch < V.N_PITCH:
            return None
        out = np.zeros((V.N_PITCH, V.N_DELTA))
        out[pitch, delta] = strength
        return out


_MINOR_THIRD = frozenset(QUALITY_INDEX[q] for q in ("min", "dim", "min6", "min7", "minmaj7", "dim7", "hdim7"))
_MAJOR_THIRD = frozenset(QUALITY_INDEX[q] for q in ("maj", "aug", "6", "dom7", "maj7", "aug7"))


def chord_thirds(features: Callable[[np.ndarray], dict], onsets: np.ndarray) -> np.ndarray:
    """The third of the chord at each grid onset by a plan's features_at: 3 (minor), 4 (major),
    -1 where there is no chord or no third (sus)."""
    qualities = np.asarray(features(np.asarray(onsets, dtype=np.int64))["chord_quality"])
    return np.array([3 if q in _MINOR_THIRD else 4 if q in _MAJOR_THIRD else -1 for q in qualities.tolist()],
                    dtype=np.int64)


def chord_roots(features: Callable[[np.ndarray], dict], onsets: np.ndarray) -> np.ndarray:
    """The chord root (pitch class) at each grid onset by a plan's features_at, -1 where none."""
    roots = np.asarray(features(np.asarray(onsets, dtype=np.int64))["chord_root"])
    return np.where(roots < 12, roots, -1)


def find_ostinato(onsets: np.ndarray, pitches: np.ndarray, end: int, bar: int,
                  statements: int = OSTINATO_STATEMENTS,
                  root_at: Callable[[np.ndarray], np.ndarray] | None = None,
                  third_at: Callable[[np.ndarray], np.ndarray] | None = None, moved: bool = False,
                  lengths: np.ndarray | None = None) -> Ostinato | None:
    """The figure a line (grid onsets ascending, the notes of a chord top down; pitches) states at least
    `statements` times in a row, bar for bar, in the bars before the bar line `end` (grid ticks;
    bars of `bar` ticks), by onset and pitch; the shortest of OSTINATO_BARS; None if none. A
    figure needs two notes (one repeated note is a pedal, which the model keeps by itself).
    root_at: grid onsets -> the chord roots there (-1 none), for Ostinato.roots (None: unknown);
    third_at likewise for Ostinato.thirds. moved (with root_at): a figure moved with its chords,
    statement by statement, is one too (_moved_riff). lengths: each note's length (grid units),
    for Ostinato.lengths (its last statement's)."""
    for bars in OSTINATO_BARS:
        period = bars * bar
        windows = []
        for k in range(1, statements + 1):
            inside = (onsets >= end - k * period) & (onsets < end - (k - 1) * period)
            windows.append((tuple((onsets[inside] - (end - k * period)).tolist()), tuple(pitches[inside].tolist())))
        first = windows[0]
        last = (onsets >= end - period) & (onsets < end)
        kept = None if lengths is None else tuple(int(x) for x in np.clip(np.asarray(lengths)[last], 1, V.N_DURATION))
        if moved and root_at is not None and len(first[0]) >= 2 and len(set(first[1])) >= 2:
            riff = _moved_riff(windows, [end - k * period for k in range(1, statements + 1)], onsets, pitches,
                               end, period, root_at)
            if riff is not None:
                return replace(riff, lengths=kept)
        if len(first[0]) >= 2 and len(set(first[1])) >= 2 and all(w == first for w in windows[1:]):
            roots = None
            if root_at is not None:
                # Only a figure that kept to its chords: the same roots under every statement (one
                # played unchanged over changing chords is a pedal riff, which stays put).
                under = {tuple(int(r) for r in root_at(end - k * period + np.array(first[0], dtype=np.int64)))
                         for k in range(1, statements + 1)}
                roots = next(iter(under)) if len(under) == 1 else None
            thirds = None
            if roots is not None and third_at is not None:
                thirds = tuple(int(t) for t in third_at(end - period + np.array(first[0], dtype=np.int64)))
            return Ostinato(anchor=end, period=period, offsets=first[0], pitches=first[1], roots=roots, thirds=thirds,
                            lengths=kept)
    return None


RIFF_LOOKBACK = 12  # periods before a moved riff's statements searched for its statements over other roots


def _moved_riff(windows: list[tuple[tuple, tuple]], starts: list[int], onsets: np.ndarray, pitches: np.ndarray,
                end: int, period: int, root_at: Callable[[np.ndarray], np.ndarray]) -> Ostinato | None:
    """A riff moved with its chords (find_ostinato's windows: the last statements, latest first,
    each (offsets, pitches), beginning at grid ticks `starts`): each statement over one chord root,
    the same figure (offsets, intervals, and its first note's interval over the root) over two
    roots or more. Its Ostinato keeps its last statement over each root (by_root), also from the
    RIFF_LOOKBACK periods before. A boogie riff's last bars over IV, I and V (b3 3 5 6 b7 6 5 3)
    had been no ostinato, as not the same notes. None where the statements are not such a riff."""
    def shape(window, start):
        offsets, notes = window
        roots = {int(r) for r in root_at(start + np.array(offsets, dtype=np.int64))}
        if len(roots) != 1 or min(roots) < 0:
            return None, -1
        root = roots.pop()
        return (offsets, tuple(p - notes[0] for p in notes), (notes[0] - root) % 12), root

    shapes = [shape(w, s) for w, s in zip(windows, starts)]
    figure = shapes[0][0]
    if figure is None or any(f != figure for f, _ in shapes[1:]) or len({r for _, r in shapes}) < 2:
        return None
    by_root: dict[int, tuple[int, ...]] = {}
    for k in range(1, RIFF_LOOKBACK + 1):  # latest first: each root's last statement
        start = end - k * period
        inside = (onsets >= start) & (onsets < start + period)
        window = (tuple((onsets[inside] - start).tolist()), tuple(pitches[inside].tolist()))
        found, root = shape(window, start) if len(window[0]) else (None, -1)
        if found == figure and root not in by_root:
            by_root[root] = window[1]
    offsets, last = windows[0]
    root = shapes[0][1]
    return Ostinato(anchor=end, period=period, offsets=offsets, pitches=last, roots=(root,) * len(offsets),
                    thirds=None, by_root=by_root)


# A loop across a gap: a part that repeats a figure of FILL_LOOP_BARS bars on both sides of a fill (an
# 8-bar bass and piano loop, bars 9-12 filled) plays the loop's bars there. The model reads the
# voices interleaved: where the context before the gap matched an earlier turn of the loop, the
# note that followed there was another voice's, and a bass filled beside a melody copied its
# interval (B2 under a C bar); the piano, written after it, took other chords again (QA qa16 M1:
# 29 of 48 bars' first bass notes outside the piano's chord, the piano on the loop's chord in 12
# of 48). find_ostinato needs three turns before the gap; a loop of 8 bars rarely has them.
FILL_LOOP_BARS = (1, 2, 4, 8)  # loop lengths looked for, in bars (the shortest that holds wins)
FILL_LOOP_PAIRS = 4  # bars compared with the bar a loop earlier, at least, for a loop to be told


def find_loop(onsets: np.ndarray, pitches: np.ndarray, start: int, end: int, bar: int, first_bar: int,
              root_at: Callable[[np.ndarray], np.ndarray] | None = None,
              third_at: Callable[[np.ndarray], np.ndarray] | None = None) -> Ostinato | None:
    """The loop a part plays around the gap [start, end) (grid ticks): a figure of FILL_LOOP_BARS
    bars (bars of `bar` ticks counted from the bar line `first_bar`) such that every bar outside
    the gap played the same notes (onset in the bar and pitch; a chord's top down) as the bar a
    loop length before it, where that bar is outside the gap too, at least FILL_LOOP_PAIRS times,
    and every bar of the gap has such a bar on some side (the part plays on both sides of the gap;
    a continuation's riff is find_ostinato's). onsets, pitches: the part's notes outside the gap
    (grid ticks ascending). As an Ostinato whose figure is the turn nearest the gap (before it
    where one is whole); root_at, third_at as for find_ostinato (the chords under that turn).
    None where no loop holds."""
    onsets, pitches = np.asarray(onsets, dtype=np.int64), np.asarray(pitches, dtype=np.int64)
    if len(onsets) < 4 or end <= start or bar <= 0:
        return None
    index = (onsets - first_bar) // bar
    played = {}  # bar index -> (offsets, pitches) of the bar
    for b in np.unique(index).tolist():
        inside = index == b
        played[b] = (tuple((onsets[inside] - first_bar - b * bar).tolist()), tuple(pitches[inside].tolist()))
    lo, hi = min(played), max(played)
    gap = set(range((start - first_bar) // bar, -(-(end - first_bar) // bar)))
    if hi <= max(gap) or lo >= min(gap):  # (notes on both sides: a fill; a continuation has find_ostinato)
        return None
    outside = [b for b in range(lo, hi + 1) if b not in gap]
    bars_of = lambda b: played.get(b, ((), ()))  # noqa: E731  (a bar with no notes: a rest, also part of a loop)
    for length in FILL_LOOP_BARS:
        pairs = [(b - length, b) for b in outside if b - length >= lo and b - length not in gap]
        if len(pairs) < FILL_LOOP_PAIRS or any(bars_of(a) != bars_of(b) for a, b in pairs):
            continue
        # every gap bar has a bar some loops away outside it, within the part's bars
        if not all(any(lo <= g + k * length <= hi and g + k * length not in gap
                       for k in range(-(hi - lo) // length - 1, (hi - lo) // length + 2)) for g in gap):
            continue
        starts = [b for b in range(lo, hi - length + 2) if not any(b + i in gap for i in range(length))]
        before = [b for b in starts if b + length <= min(gap)]
        turn = max(before) if before else min(starts)
        offsets, notes = [], []
        for i in range(length):
            o, p = bars_of(turn + i)
            offsets += [i * bar + x for x in o]
            notes += list(p)
        if len(offsets) < 2 or len(set(notes)) < 2:
            return None
        anchor = first_bar + turn * bar
        roots = thirds = None
        if root_at is not None:
            at = anchor + np.array(offsets, dtype=np.int64)
            roots = tuple(int(r) for r in root_at(at))
            if third_at is not None:
                thirds = tuple(int(t) for t in third_at(at))
        return Ostinato(anchor=anchor, period=length * bar, offsets=tuple(offsets), pitches=tuple(notes),
                        roots=roots, thirds=thirds)
    return None


# Recall of a voice's own line. The model reads the voices interleaved, and its memory of a phrase
# (the history attention, whose positions offer the note that follows them in the stream) finds
# a melody's restatement only where nothing else sounds: a random 16-note phrase stated three
# times over a bass line came back at 12-31 % of its notes (alone: 100 %), and the melodies of the
# validation lead sheets are predicted 7.8 % worse with a bass on the chord roots under them
# (1.841 against 1.707 nats a note). Where a line has company, the sampler recalls it the way
# PPM* does (Cleary & Teahan 1997): the note that followed the longest earlier occurrence of the
# line's last notes (by pitch and onset gap), mixed into the model's distributions (its pitch,
# then its onset and length where those were taken) with weight recall_weight(match length).
RECALL_SHORT, RECALL_LONG = 0.3, 0.8  # mixture weights after 3-5 and after 6 or more matched notes
RECALL_LONG_FROM = 6
RECALL_SHORTEST = 3  # a shorter match recalls nothing
RECALL_LONGEST = 16  # notes of match looked at, at most
# The weight in the variations after the first: with the full weight a verse stated twice over a
# bass came back note for note in 7 of 18 variations, three of them the same but for a last beat
# (QA; the first variation is the likeliest continuation, the others are there to differ).
RECALL_OTHERS = 0.4
RECALL_NOTES = 256  # the line's last notes searched
# Tuned on the validation split, teacher-forced pitch NLL of a line continued after its 16th note
# in full context, against the model alone: (a) the top voice of 90 polyphonic pieces (chorales,
# Palestrina, early polyphony; 4,348 notes; recall on 9.7 % of them, the recalled pitch right in
# 52 % after 3 matched notes, 86-91 % after 8 or more) and (b) the melodies of 48 lead sheets with
# a bass on their chord roots (2,859 notes; recall on 21 %, right in 68 % after 3, 89-94 % after
# 6 or more). Weights (short, long) 0.3/0.8: (a) -0.86 %, (b) -4.10 %; 0.2/0.7 -0.89 / -3.89;
# 0.5/0.8 -0.57 / -4.29; 0.3/0.95 -0.65 / -3.60; 0/0.8 -0.49 / -2.97. A product of experts
# instead (log-odds per matched note) was at best -0.96 % on (a) and +2.5 % at a strength that
# recalls a phrase the model does not expect: a mixture leaves the model be where it already
# agrees, and is never sure of a recall that may be wrong.


def recall_weight(length: int) -> float:
    """The mixture weight of a recalled note after a match of `length` notes (0 below
    RECALL_SHORTEST)."""
    if length < RECALL_SHORTEST:
        return 0.0
    return RECALL_LONG if length >= RECALL_LONG_FROM else RECALL_SHORT


@dataclass(frozen=True)
class RecallState:
    """Where a line stands in LineRecall: each context occurrence's match length with the line's
    last notes, and its last note (grid onset, pitch)."""

    runs: np.ndarray
    onset: int
    pitch: int


class LineRecall:
    """recalled_note for a line that grows a note at a time, its occurrences searched in its
    context only (recalled_note's `within`): the match lengths are updated for each new note
    instead of recomputed (~10 us a note, against ~100 us for the whole search at every step).
    onsets, pitches, lengths: the context line (grid units; one note per onset)."""

    def __init__(self, onsets: np.ndarray, pitches: np.ndarray, lengths: np.ndarray, roots: np.ndarray | None = None):
        self.onsets, self.pitches, self.lengths = (np.asarray(a, dtype=np.int64) for a in (onsets, pitches, lengths))
        # the chord root under each context note (-1 unknown; None: no chords known)
        self.roots = None if roots is None else np.asarray(roots, dtype=np.int64)
        gaps = np.diff(self.onsets)
        self.gaps = gaps
        self.tokens = self.pitches[1:] * 1_000_003 + gaps  # token i: note i + 1
        self.candidates = self.tokens[:-1]  # occurrences end at tokens 0 .. n - 3: a note follows in the context
        n = len(self.onsets)
        self.first = RecallState(_match_runs(self.tokens, len(self.candidates), RECALL_LONGEST),
                                 int(self.onsets[-1]) if n else 0, int(self.pitches[-1]) if n else -1)

    def advance(self, state: RecallState, onset: int, pitch: int) -> RecallState:
        """The state after the line's next note (grid onset, pitch)."""
        token = pitch * 1_000_003 + (onset - state.onset)
        grown = np.minimum(np.concatenate([[0], state.runs[:-1]]) + 1, RECALL_LONGEST)
        return RecallState(np.where(self.candidates == token, grown, 0), onset, pitch)

    def recalled(self, state: RecallState, root_at: Callable[[int], int] | None = None) -> tuple[int, int, int, int] | None:
        """recalled_note's (grid onset, pitch, match length, grid length) from this state; None
        also where root_at (grid onset -> chord root, -1 none) says there is a chord there other
        than the one known under the recalled note (a verse recalled over new given chords sang
        the old tune against them: 4 of 14 strong beats in the chord, 10-14 of 16 before; QA)."""
        if not len(state.runs):
            return None
        best = int(state.runs.max())
        if best < RECALL_SHORTEST:
            return None
        j = int(np.flatnonzero(state.runs == best)[-1])
        onset = state.onset + int(self.gaps[j + 1])
        if root_at is not None and self.roots is not None:
            here = root_at(onset)
            # (a chord there, and under the recalled note another one or none known: a verse
            # without chord symbols recalled under --chords sang the old tune against them)
            if here >= 0 and here != self.roots[j + 2]:
                return None
        return onset, int(self.pitches[j + 2]), best, int(self.lengths[j + 2])


def _match_runs(tokens: np.ndarray, count: int, longest: int) -> np.ndarray:
    """(count,) for each occurrence ending at token j < count, how many tokens (up to `longest`)
    it shares with the end of `tokens`, read backwards (PPM*'s context match)."""
    runs = np.zeros(count, dtype=np.int64)
    alive = np.ones(count, dtype=bool)
    ends = np.arange(count)
    last = len(tokens) - 1
    for lag in range(min(longest, last + 1)):
        at = ends - lag
        ok = alive & (at >= 0)
        ok[ok] = tokens[at[ok]] == tokens[last - lag]
        alive = ok
        if not alive.any():
            break
        runs += alive
    return runs


def recalled_note(onsets: np.ndarray, pitches: np.ndarray, longest: int = RECALL_LONGEST,
                  shortest: int = RECALL_SHORTEST, within: int | None = None) -> tuple[int, int, int, int] | None:
    """(grid onset, pitch, match length, index in the line) of the note that followed the
    longest earlier occurrence of a line's last notes, or None (no occurrence of `shortest`
    notes or more). The line: its notes so far (grid onsets ascending, one note per onset;
    pitches). Notes are matched by pitch and the gap since the note before; of equally long
    occurrences the latest wins. within: only notes that followed among the line's first
    `within` (its context: what was written is not recalled, so a figure the sampler wrote twice
    does not feed on itself into a loop)."""
    n = len(onsets)
    if n < shortest + 2:
        return None
    gaps = np.diff(onsets)
    tokens = pitches[1:].astype(np.int64) * 1_000_003 + gaps  # token i: note i + 1
    last = len(tokens) - 1
    # an occurrence ends at token j; the note after it, token j + 1, is note j + 2
    count = last if within is None else max(0, min(last, within - 2))
    if not count:
        return None
    runs = _match_runs(tokens, count, longest)
    best = int(runs.max())
    if best < shortest:
        return None
    j = int(np.flatnonzero(runs == best)[-1])
    return int(onsets[-1] + gaps[j + 1]), int(pitches[j + 2]), best, j + 2


# Harmonic rhythm of a chordal voice (a left hand of bass and triads, a comping part). The model
# picks each note of a chord, and beside a tune it changed a hymn's left-hand chord on every beat
# (8-12 distinct triads in 4 bars where its context plays one a bar; QA qa15 M4/W2). The span the
# context holds one chord for (a bar, half a bar or a beat: the longest whose pitch classes fit a
# chord) is kept: once a span holds as many pitch classes as the context's spans do, a pitch class
# outside them costs HARMONY_PENALTY there. The span's first chord is the model's to choose. On the
# QA's pedalled hymn (seeds 1-3, 4 variations each), chord changes inside a bar went from 1.3 to 0.42
# and bars on one chord from 23 % to 79 % (with HARMONY_FIT_PENALTY below: 0 and 100 %; every bar's
# notes one chord of the vocabulary); at 4 nats a test hymn still changed in a third of its bars.
HARMONY_PENALTY = 8.0
HARMONY_MAX_PCS = 4  # a span's pitch classes that still make one chord (a seventh chord's four)
HARMONY_SHARE = 0.8  # share of the context's spans within that many pitch classes, for the span to be kept
HARMONY_MIN_SPANS = 3  # spans of the context needed to tell its harmonic rhythm
# ... and while a span's chord is being built, a pitch class that makes no chord of the vocabulary
# (of the context's size) with those it holds costs HARMONY_FIT_PENALTY: over a bass note the model
# stacked another chord's triad (E minor over C, B minor over D).
HARMONY_FIT_PENALTY = 4.0
# The chords a span may build: triads, and sevenths and sixths where its context holds four pitch
# classes (not suspensions: over a D bass, the E of an E minor stack the model copied made "Dsus2").
_SPAN_CHORDS = {3: ("maj", "min", "dim"), 4: ("maj", "min", "dim", "dom7", "maj7", "min7", "hdim7", "dim7", "6", "min6")}
# ... and where the context changes chord from span to span (its share `change`, above one half), a
# pitch class completing the chord the span before held costs HARMONY_CHANGE_WEIGHT times the log-odds
# of a change, at most HARMONY_CHANGE_MAX: the model, copying itself, held one chord for the 4 bars a
# hymn was continued (in 4 of 12 variations) where its context changed chord at every bar. QA hymn,
# bars on another chord than the bar before: 53 % without, 69 % at weight 1 (max 3), 81 % at 2 (max 6).
HARMONY_CHANGE_MAX = 6.0
HARMONY_CHANGE_WEIGHT = 2.0
_CHANGE_SLACK = 0.05  # (a share of 1 stays finite)
# ... and, for a context of three pitch classes a span that voices seventh chords without their
# fifth (a jazz pianist's shells: D F C for Dm7, G B F for G7; SHELL_SHARE of its spans such a shell
# and no triad), those shells: read against triads only, a left hand of shells on a ii-V-I had no
# fit and no root in the bass, and was continued in bare fifths, E2 B2 for 4 bars in 3 of 4
# variations (6 of 32 new chords held a seventh).
_SHELLS = ("dom7", "maj7", "min7")
SHELL_SHARE = 0.5
# ... and a part of shells leaves the fifth out of the chords it plays: under a planned G7 the
# chord tones alone let a shell-playing left hand voice D3 G3 D4 (root and fifth, no third or seventh)
SHELL_FIFTH_PENALTY = 8.0


def fifths_prior(roots: np.ndarray, qualities: np.ndarray, penalty: float) -> np.ndarray:
    """(N_PITCH, n) log-prior: -penalty on the perfect fifth of the chord at each of n onsets (roots /
    qualities: vocab indices from chords_at; a chord with no perfect fifth, or none: nothing)."""
    roots, qualities = np.asarray(roots), np.asarray(qualities)
    known = (roots < 12) & (qualities < len(QUALITIES))
    has_fifth = known & _TONE_TABLE[np.where(known, qualities, len(QUALITIES)), 7]
    fifth = np.where(has_fifth, (roots + 7) % 12, -1)
    return np.where((np.arange(V.N_PITCH)[:, None] % 12) == fifth[None], -penalty, 0.0)


def _templates(names, drop: int | None = None) -> np.ndarray:
    return np.array([[(pc - root) % 12 in CHORD_INTERVALS[name] and (pc - root) % 12 != drop for pc in range(12)]
                     for root in range(12) for name in names])


_SPAN_TEMPLATES = {size: _templates(names) for size, names in _SPAN_CHORDS.items()}
_SPAN_ROOTS = {size: np.repeat(np.arange(12), len(names)) for size, names in _SPAN_CHORDS.items()}
_SHELL_TEMPLATES = _templates(_SHELLS, drop=7)  # (root, third, seventh)
_SHELL_ROOTS = np.repeat(np.arange(12), len(_SHELLS))


def _span_chords(size: int, shells: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The chords (templates (K, 12), roots (K,)) a span of `size` pitch classes may build; shells:
    for three, seventh chords' shells (no fifth) besides triads."""
    size = min(max(size, 3), 4)
    if shells and size == 3:
        return np.concatenate([_SPAN_TEMPLATES[3], _SHELL_TEMPLATES]), np.concatenate([_SPAN_ROOTS[3], _SHELL_ROOTS])
    return _SPAN_TEMPLATES[size], _SPAN_ROOTS[size]
# ... and where its context's chords stand on their roots (the span's lowest note the root of a chord
# its notes make, in ROOT_BASS_SHARE of its spans), a span's chord is built on its lowest note: a
# hymn's left hand, every bar a bass note and a triad on it, was continued with the bass note the
# chord's root in 11 of 32 bars (QA qa16 M3; A minor over a C bass).
ROOT_BASS_SHARE = 0.8
ROOT_BASS_PENALTY = 8.0


@cache
def _change_penalty(change: float) -> float:
    odds = (change + _CHANGE_SLACK) / (1.0 - change + _CHANGE_SLACK)
    return float(np.clip(HARMONY_CHANGE_WEIGHT * np.log(odds), 0.0, HARMONY_CHANGE_MAX))


@dataclass(frozen=True)
class HarmonicRhythm:
    """A chordal voice's harmonic rhythm in its context: its chords last 1/divisions of a bar and
    hold `size` pitch classes (the median over its spans). recent: (grid onset, pitch) of its
    context notes near the region's start (the span the region starts in may hold some)."""

    divisions: int
    size: int
    recent: tuple[tuple[int, int], ...] = ()
    change: float = 0.0  # share of its spans whose chord is not the span before's
    root_bass: bool = False  # its spans' lowest note is their chord's root (ROOT_BASS_SHARE)
    fit: float = 1.0  # share of its full spans whose pitch classes are (part of) one chord of the vocabulary
    shells: bool = False  # its three pitch classes a span voice seventh chords without the fifth (_SHELLS)
    # where root_bass: its chords after a span's first stand on the root too (ROOT_BASS_SHARE of
    # them: a shell or block chord struck again), not only the span's first (a bass note, then
    # chords over it)
    root_onsets: bool = False

    @property
    def change_penalty(self) -> float:
        """Nats off completing the span before's chord again (0 unless the context changes more often than not)."""
        return _change_penalty(self.change)

    def span_ids(self, bar_index: np.ndarray, position: np.ndarray, bar_len: np.ndarray) -> np.ndarray:
        """The span each onset falls in (bar index, position and length in grid units) -> int ids."""
        return bar_index.astype(np.int64) * self.divisions + np.minimum(
            self.divisions - 1, position.astype(np.int64) * self.divisions // np.maximum(1, bar_len))

    def opening(self, lowest: int, here: np.ndarray) -> np.ndarray | None:
        """(N, D): where root_bass and the context changes chord from span to span, -change_penalty
        for a span's first note in the bass register (up to a fifth over `lowest`, the span
        before's lowest pitch) on that note's pitch class, at the onsets `here` (the span's); None
        otherwise. A chord built on its bass moves when the bass does."""
        if not self.root_bass or self.change_penalty <= 0:
            return None
        pitches = np.arange(V.N_PITCH)
        again = (pitches % 12 == lowest % 12) & (pitches <= lowest + 7)
        return np.where(again[:, None] & here[None, :], -self.change_penalty, 0.0)

    def prior(self, held: set[int], here: np.ndarray, previous: set[int] | None = None,
              lowest: int | None = None, previous_lowest: int | None = None) -> np.ndarray | None:
        """(N, D) log-prior for pitches 0..N-1 at D candidate onsets: -HARMONY_PENALTY for a pitch
        class outside `held` (the pitch classes the current span already holds) at the onsets in
        that span (here: (D,) bool), 0 elsewhere. While the span holds fewer, -HARMONY_FIT_PENALTY
        for a pitch class that makes no triad (or, for a size of 4, seventh or sixth chord) with them,
        and change_penalty for one that completes `previous` (the span before's pitch classes) again;
        where root_bass, a chord whose root is not the span's lowest note (`lowest`, its lowest pitch
        so far, or the new one below it) is no fit; where the span holds nothing yet, opening() from
        the span before's lowest pitch (`previous_lowest`). None where no span holds a note yet (or
        what it holds is no chord's)."""
        classes = sorted(held)
        pitches = np.arange(V.N_PITCH)
        if not held:
            return None if previous_lowest is None else self.opening(previous_lowest, here)
        if len(held) < self.size:
            templates, roots = _span_chords(self.size, self.shells)
            holding = templates[:, classes].all(1)
            chords = templates[holding]
            if not len(chords):
                return None
            cost = np.where(chords.any(0), 0.0, HARMONY_FIT_PENALTY)
            if previous and len(held) == self.size - 1 and held <= previous and len(previous) == self.size:
                cost[list(previous - held)] += self.change_penalty
            cost = cost[pitches % 12]
            if self.root_bass and lowest is not None:
                # fits[b, q]: a chord rooted on pitch class b holds the span's classes and q
                fits = np.zeros((12, 12), dtype=bool)
                for root, chord in zip(roots[holding], chords):
                    fits[root] |= chord
                bass = np.where(pitches < lowest, pitches, lowest) % 12
                cost = np.maximum(cost, np.where(fits[bass, pitches % 12], 0.0, ROOT_BASS_PENALTY))
        else:
            cost = np.full(12, HARMONY_PENALTY)
            cost[classes] = 0.0
            cost = cost[pitches % 12]
        return np.where(here[None, :], -cost[:, None], 0.0)


def harmonic_rhythm_of(onsets: np.ndarray, pitches: np.ndarray, since: np.ndarray, bar_ticks: np.ndarray,
                       numerator: int) -> HarmonicRhythm | None:
    """The harmonic rhythm of a chordal voice's context notes (onsets in any tick unit, since the
    bar line and bar lengths in the same unit, per note), or None where no span of a bar, half a
    bar or a beat (numerator: beats a bar) holds one chord in HARMONY_SHARE of its spans."""
    if len(onsets) < 4:
        return None
    bar_start = onsets - since
    for divisions in dict.fromkeys((1, 2, max(1, numerator))):
        spans: dict[tuple[int, int], set[int]] = {}
        lowest: dict[tuple[int, int], int] = {}
        struck: dict[tuple[int, int], dict[int, int]] = {}  # each span's onsets -> their lowest pitch
        for onset, start, at, length, pitch in zip(onsets, bar_start, since, bar_ticks, pitches):
            key = (int(start), int(at * divisions // max(1, length)))
            spans.setdefault(key, set()).add(int(pitch) % 12)
            lowest[key] = min(lowest.get(key, 128), int(pitch))
            chord = struck.setdefault(key, {})
            chord[int(onset)] = min(chord.get(int(onset), 128), int(pitch))
        counts = np.array([len(pcs) for pcs in spans.values()])
        if len(counts) < HARMONY_MIN_SPANS:
            return None
        size = int(np.median(counts))
        # (a triad's span holding a seventh chord is one chord too: a waltz's V7 bars, 2 of 8,
        # had its bars read as half bars that do not stand on their roots)
        sevenths, _ = _span_chords(4)
        within = [len(pcs) <= size or (size == 3 and len(pcs) == 4 and bool(sevenths[:, sorted(pcs)].all(1).any()))
                  for pcs in spans.values()]
        if 2 <= size <= HARMONY_MAX_PCS and np.mean(within) >= HARMONY_SHARE:
            chords = [spans[key] for key in sorted(spans)]
            change = float(np.mean([a != b for a, b in zip(chords, chords[1:])]))
            full = [key for key in spans if len(spans[key]) >= size]
            shells = size == 3 and bool(full) and np.mean(
                [_SHELL_TEMPLATES[:, sorted(spans[key])].all(1).any()
                 and not _SPAN_TEMPLATES[3][:, sorted(spans[key])].all(1).any() for key in full]) >= SHELL_SHARE
            # (each span against the chords of its own size: a seventh chord's span, seventh chords;
            # three pitch classes, a seventh chord's shell too: a waltz's V7 bars as C3 then Bb3 E4,
            # 3 of 8, read as no chord, left its bars not standing on their roots, and its bass
            # continued on C3 under F, QA)
            chords_of = {key: _span_chords(max(size, len(spans[key])), shells or len(spans[key]) == 3) for key in full}
            rooted = [bool(np.any(chords_of[key][0][chords_of[key][1] == lowest[key] % 12][:, sorted(spans[key])].all(1)))
                      for key in full]
            fitting = [bool(chords_of[key][0][:, sorted(spans[key])].all(1).any()) for key in full]
            later = [low % 12 == lowest[key] % 12 for key, ok in zip(full, rooted) if ok
                     for _, low in sorted(struck[key].items())[1:]]
            return HarmonicRhythm(divisions, size, change=change,
                                  root_bass=bool(full) and float(np.mean(rooted)) >= ROOT_BASS_SHARE,
                                  fit=float(np.mean(fitting)) if full else 0.0, shells=bool(shells),
                                  root_onsets=bool(later) and float(np.mean(later)) >= ROOT_BASS_SHARE)
    return None


# An accompanying line's figure: where a bass plays root-fifth-root-fifth in every bar, a fill or
# continuation kept its rhythm but not its shape (QA qa15 M2: 4 of 4 fills of a verse's bass hovered
# on E3-D3; 21 % of their notes stood where the figure has them). Per position in the bar, the
# context's intervals from the bar's first note; where they are consistent, the line's later notes
# in a bar lean toward them (the bar's first note, the harmony, is the model's or the chords'). The
# intervals count both as classes (a fifth above or a fourth below alike; an octave up or down, but
# not the same note) and, FIGURE_EXACT_SHARE of the weight, in semitones: an octave bass (A2 A3 A2
# A3) kept as pitch classes, "the same note", had come back as one note hammered (QA qa16 H1: a run
# of 5 or more in 16 of 16).
FIGURE_STRENGTH = 1.5
# ... for a line of broken triads (a harmonic rhythm of three pitch classes a span: an arpeggio, an
# Alberti bass; sampling._arpeggiates), whose figure is its whole point: at 1.5 a left hand's
# arpeggio (C3 G3 C4 E4 G4 E4 C4 G3) continued beside its tune turned into one note repeated (E4 x 6)
# from its second bar (4 of 32 bars kept; 24 at 4.0).
BROKEN_FIGURE_STRENGTH = 4.0
FIGURE_EXACT_SHARE = 0.5
FIGURE_SHARE = 0.7  # share of a context's notes on their position's likeliest interval, for a figure
FIGURE_MIN_BARS = 3  # bars of two notes or more a figure is told from
FIGURE_BARS = 4  # bars either side of the region it is told from (a bass may change figure by section)
# A bar's first note leaves the figure room in the line's register: one from which the figure's
# likeliest intervals leave it costs FIGURE_ROOM_PENALTY (a bass of octaves up from each bar's first
# note had started a bar on D3, its octave above the register, and repeated D3).
FIGURE_ROOM_PENALTY = 3.0
# ... and a bar's first note within this many semitones of those the context's bars start on: an
# arpeggio whose bars start on A2-G3 was continued from A3 and D4, an octave up, its top in the
# tune's register (QA qa17 H4); and in the octave the context's bars start on that pitch class in:
# a root-fifth bass on C2, F2, G2 and A2 refilled alone started bars on C3 and F3, under and on
# the piano's notes (QA qa20 7); where its bars start within an octave (a bass that opens them in
# two octaves is free to: kept to the one its context had used for each root, it left the root)
FIGURE_BASE_MARGIN = 4
FIGURE_OCTAVE_PENALTY = 8.0
# Under written or given chords, a figure whose context starts its bars on the chord's root (in
# ROOT_BASS_SHARE of them) starts them there: a guitar's arpeggio kept its shape but built it on the
# third or fifth, a whole bar of D major under G (QA qa16 M3b: the root in 0 of 8 bars). So under
# chords as sure (region_writer._rooted_figures), at 8 nats as a chordal part's lowest note
# (ROOT_BASS_PENALTY): at 4, a hymn's left hand still opened the bar after a bar of G2s on G2 under
# a C chord in 3 of 3 fills, the model's copy of the G some 10 nats surer.
FIGURE_ROOT_PENALTY = 8.0
FIGURE_SPAN = 24  # semitones either side of the bar's first note a figure's intervals are told apart
_FIGURE_BINS = 2 * FIGURE_SPAN + 1
_FIGURE_SMOOTH = 1.0  # pseudo-count at a position, spread over its intervals (a few bars that agree are a figure)


@dataclass(frozen=True)
class BarFigure:
    """A line's figure in its context: table[(bar length, position)] (grid units) ->
    ((N_INTERVAL_CLASSES,), (2 FIGURE_SPAN + 1,)): the log-ratio to uniform of each interval from
    the bar's first note as a class (interval_class) and in semitones (-FIGURE_SPAN..FIGURE_SPAN,
    clipped), at positions it played twice or more; recent: (grid onset, pitch) of its context
    notes in its last bar."""

    table: dict
    recent: tuple[tuple[int, int], ...] = ()
    reach: tuple[int, int] = (0, 0)  # the lowest and highest of its likeliest intervals (semitones)
    root_first: bool = False  # its bars start on the written chord's root
    base: tuple[int, int] | None = None  # the lowest and highest pitch its context's bars start on
    openings: frozenset = frozenset()  # the pitches its context's bars start on
    _rooms: dict = field(default_factory=dict, compare=False, repr=False)  # room's columns by (low, high, penalty)

    def rooted(self, roots: np.ndarray, opening: np.ndarray) -> np.ndarray:
        """(N_PITCH, D): -FIGURE_ROOT_PENALTY for a pitch off the chord's root (roots: (D,) pitch
        classes, 12 or more for none) at the candidate onsets that open a bar, 0 elsewhere."""
        off = (np.arange(V.N_PITCH)[:, None] % 12) != roots[None, :]
        return np.where(off & (opening & (roots < 12))[None, :], -FIGURE_ROOT_PENALTY, 0.0)

    def room(self, low: int, high: int, opening: np.ndarray, penalty: float = FIGURE_ROOM_PENALTY) -> np.ndarray:
        """(N_PITCH, D): -penalty for a pitch from which the figure's reach leaves the register
        low..high, or more than FIGURE_BASE_MARGIN from the pitches its context's bars start on,
        or in another octave than those of its pitch class its context's bars start on, at the D
        candidate onsets that would open a bar (opening), 0 elsewhere."""
        key = (low, high, penalty)
        if key not in self._rooms:  # (the same at every step of a run: only `opening` changes)
            pitches = np.arange(V.N_PITCH)
            cramped = (pitches + self.reach[1] > high) | (pitches + self.reach[0] < low)
            if self.base is not None:
                cramped |= (pitches < self.base[0] - FIGURE_BASE_MARGIN) | (pitches > self.base[1] + FIGURE_BASE_MARGIN)
            column = np.where(cramped, -penalty, 0.0)
            if self.openings and max(self.openings) - min(self.openings) < 12:  # (one octave: each pitch one place)
                opened = np.isin(pitches % 12, [p % 12 for p in self.openings])
                moved = opened & ~np.isin(pitches, sorted(self.openings))
                column = np.minimum(column, np.where(moved, -FIGURE_OCTAVE_PENALTY, 0.0))
            self._rooms[key] = column
        return np.where(np.asarray(opening, dtype=bool)[None, :], self._rooms[key][:, None], 0.0)

    def prior(self, first: int, positions: np.ndarray, bar_lens: np.ndarray, here: np.ndarray,
              strength: float = FIGURE_STRENGTH) -> np.ndarray:
        """(N_PITCH, D): `strength` times the figure's log-ratio of each pitch's interval from
        `first` (the bar's first pitch) at D candidate onsets (positions and bar lengths in grid
        units) where `here` (they are in that bar), 0 elsewhere and at positions the figure has none."""
        out = np.zeros((V.N_PITCH, len(positions)))
        semitones = np.arange(V.N_PITCH) - first
        exact = np.clip(semitones, -FIGURE_SPAN, FIGURE_SPAN) + FIGURE_SPAN
        for d in np.flatnonzero(here):
            rows = self.table.get((int(bar_lens[d]), int(positions[d])))
            if rows is not None:
                classes, steps = rows
                out[:, d] = strength * ((1 - FIGURE_EXACT_SHARE) * classes[interval_class(semitones)]
                                               + FIGURE_EXACT_SHARE * steps[exact])
        return out


# The classes count a figure's intervals by their size in the scale, not in semitones: an Alberti
# bass's third is major over C and minor over A (C G E G, A E C E), one figure; counted in
# semitones its middle note had no class of its own, and a continued Alberti left hand kept its
# shape in 8-11 of 32 bars. Which third, the chord or the model says.
_GENERIC = (0, 1, 1, 2, 2, 3, 4, 5, 6, 6, 7, 7)  # pitch-class interval -> second, third, ... seventh
_INTERVAL_CLASSES = np.array([0 if s == 0 else (8 if s % 12 == 0 else _GENERIC[s % 12]) for s in range(-128, 128)])
N_INTERVAL_CLASSES = 9


def interval_class(semitones: np.ndarray) -> np.ndarray:
    """An interval's class for a figure (semitones in -128..127): 0 the same note; 1-7 its generic
    size as a pitch-class interval (a second, a third, a fourth, the tritone, a fifth, a sixth, a
    seventh: a fifth up and a fourth down are one; a major and a minor third are one); 8 any octave
    up or down."""
    return _INTERVAL_CLASSES[np.asarray(semitones) + 128]


def bar_figure_of(bars: np.ndarray, positions: np.ndarray, bar_lens: np.ndarray, pitches: np.ndarray) -> BarFigure | None:
    """The figure of a line's context notes (bar index, position and bar length in grid units, and
    pitch per note, in time order), or None where fewer than FIGURE_MIN_BARS bars hold two notes
    or fewer than FIGURE_SHARE of its notes after a bar's first stand on their position's likeliest
    interval; positions where fewer than FIGURE_SHARE of its notes do are left out."""
    counts: dict[tuple[int, int], np.ndarray] = {}
    firsts: dict[int, int] = {}
    played = 0
    for bar, position, length, pitch in zip(bars.tolist(), positions.tolist(), bar_lens.tolist(), pitches.tolist()):
        if bar not in firsts:
            firsts[bar] = pitch
            continue
        row = counts.setdefault((length, position), np.zeros(_FIGURE_BINS))
        row[int(np.clip(pitch - firsts[bar], -FIGURE_SPAN, FIGURE_SPAN)) + FIGURE_SPAN] += 1
        played += 1
    _, notes_a_bar = np.unique(bars, return_counts=True)
    if np.count_nonzero(notes_a_bar >= 2) < FIGURE_MIN_BARS or not played:
        return None
    # The share is counted on interval classes: a root-fifth bass plays a fifth up in one bar and a
    # fourth down in the next (C2 G2, F2 C2), one figure (it had none, and a filled bass wandered).
    steps = np.arange(_FIGURE_BINS) - FIGURE_SPAN
    by_class = {key: np.bincount(interval_class(steps), weights=row, minlength=N_INTERVAL_CLASSES)
                for key, row in counts.items()}
    if sum(classes.max() for classes in by_class.values()) < FIGURE_SHARE * played:
        return None
    def log_ratio(row: np.ndarray) -> np.ndarray:
        return np.log((row + _FIGURE_SMOOTH / len(row)) / (row.sum() + _FIGURE_SMOOTH) * len(row))

    table, reach = {}, [0]
    for key, row in counts.items():  # (a position the context plays two ways, e.g. a fifth in one section and
        classes = by_class[key]  # the same note in another, has none)
        if row.sum() >= 2 and classes.max() >= FIGURE_SHARE * row.sum():
            table[key] = (log_ratio(classes), log_ratio(row))
            # (the room the figure needs: each way its likeliest class is played)
            reach += steps[(row > 0) & (interval_class(steps) == classes.argmax())].tolist()
    if not table:
        return None
    return BarFigure(table, reach=(min(reach), max(reach)), base=(min(firsts.values()), max(firsts.values())),
                     openings=frozenset(firsts.values()))


# Where in its phrase a melody holds a note: a tune of quarters that holds whole notes only at the
# ends of its 4-bar phrases was filled with a whole note in its second bar (QA qa15 M5: 5-8 of 12
# fills). The model knows the bar and the region, not the phrase. Per bar of the 4-bar hypermeter
# (bar index mod PHRASE_BARS), the longest note its context starts there; a new note more than
# HOLD_FACTOR times that long costs PHRASE_HOLD_PENALTY. A tune whose phrases are not 4 bars long
# holds long notes in bars of every index, and is left alone.
PHRASE_BARS = 4
PHRASE_MIN_BARS = 6  # context bars the phrase positions are told from (every bar of a phrase seen once, two of them twice)
HOLD_FACTOR = 2.0
PHRASE_HOLD_PENALTY = 3.0


def phrase_holds(bar_index: np.ndarray, durations: np.ndarray) -> np.ndarray | None:
    """(PHRASE_BARS,) the longest note (grid units) a melody's context notes start in bars of each
    index mod PHRASE_BARS (bar_index, durations: per note), or None for a context of fewer than
    PHRASE_MIN_BARS bars."""
    bar_index, durations = np.asarray(bar_index, dtype=np.int64), np.asarray(durations)
    if len(np.unique(bar_index)) < PHRASE_MIN_BARS:
        return None
    longest = np.zeros(PHRASE_BARS)
    np.maximum.at(longest, bar_index % PHRASE_BARS, durations)
    return longest


def hold_prior(holds: np.ndarray, bar_index: int, lengths: np.ndarray) -> np.ndarray:
    """(len(lengths),) log-prior of note lengths (grid units) started in bar `bar_index`: minus
    PHRASE_HOLD_PENALTY for those longer than HOLD_FACTOR times the context's longest there."""
    return np.where(lengths > HOLD_FACTOR * holds[bar_index % PHRASE_BARS], -PHRASE_HOLD_PENALTY, 0.0)

"""A chordal voice holds each chord as long as its context does (priors.HarmonicRhythm). A hymn's
left hand of a bass and a triad on the other beats, one chord a bar, continued beside its tune,
had changed chord on nearly every beat (QA qa15 M4: 8-12 distinct triads in 4 bars where its
context has 4). The shipped model; scores the test writes."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from composer.model.priors import _TEMPLATES, HarmonicRhythm, harmonic_rhythm_of
from composer.music import Note, Score, Voice
from composer.music.score import MeterChange
from composer.request import continue_request

Q, BAR = 480, 1920
# A one-beat pickup (the bar line at -3 beats), then G | C | D | G: the tune in quarters, the left
# hand's bass held from each downbeat and the bar's triad on beats 2-4 (the QA's case, as written).
TUNE = [74, 79, 78, 76, 74, 72, 74, 76, 71, 74, 72, 71, 69]
CHORDS = [(43, (67, 62, 59)), (48, (67, 64, 60)), (50, (66, 62, 57)), (43, (67, 62, 59))]


def pedalled_hymn() -> Score:
    notes = [Note(p, i * Q, Q, 80, 0) for i, p in enumerate(TUNE)] + [Note(67, len(TUNE) * Q, BAR, 80, 0)]
    for bar, (bass, triad) in enumerate(CHORDS):
        downbeat = Q + bar * BAR
        notes.append(Note(bass, downbeat, BAR, 70, 1))
        notes += [Note(p, downbeat + beat * Q, 400, 60, 1) for beat in (1, 2, 3) for p in triad]
    return Score(notes=notes, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)],
                 meters=[MeterChange(-3 * Q, 4, 4)])


def test_the_span_a_context_holds_one_chord_for():
    onsets, pitches = [], []
    for bar, (bass, triad) in enumerate(CHORDS * 2):  # one chord a bar
        onsets += [bar * BAR] + [bar * BAR + beat * Q for beat in (1, 2, 3) for _ in triad]
        pitches += [bass] + [p for _ in (1, 2, 3) for p in triad]
    onsets, pitches = np.array(onsets), np.array(pitches)
    found = harmonic_rhythm_of(onsets, pitches, onsets % BAR, np.full(len(onsets), BAR), 4)
    assert (found.divisions, found.size) == (1, 3) and found.change == pytest.approx(6 / 7)  # G C D G G C D G
    # a new chord on every beat: the bar holds 6-8 pitch classes, a beat holds one chord
    beats = np.arange(32) * Q
    roots = np.array([0, 5, 7, 9, 2, 4, 11, 5] * 4)
    onsets = np.repeat(beats, 3)
    pitches = np.concatenate([[60 + r, 64 + r, 67 + r] for r in roots])
    found = harmonic_rhythm_of(onsets, pitches, onsets % BAR, np.full(len(onsets), BAR), 4)
    assert found.divisions == 4
    # every beat a new chord of 5 pitch classes: no span holds one chord
    pitches = np.concatenate([[60 + r, 64 + r, 67 + r, 70 + r, 74 + r] for r in roots])
    onsets = np.repeat(beats, 5)
    assert harmonic_rhythm_of(onsets, pitches, onsets % BAR, np.full(len(onsets), BAR), 4) is None


def test_a_span_holding_a_chord_keeps_it_to_the_spans_end():
    rhythm = HarmonicRhythm(divisions=1, size=3)
    here = np.array([True, True, False])  # the first two onsets are in the current span
    assert rhythm.prior(set(), here) is None  # nothing held in the span: its chord is the model's to choose
    partial = rhythm.prior({7, 11}, here)  # G and B: the chord is not complete, any triad with them is free
    assert partial[62, 0] == partial[64, 1] == 0 and partial[61, 0] < 0
    prior = rhythm.prior({7, 11, 2}, here)
    assert prior[67, 0] == prior[62, 1] == 0 and prior[72, 0] < 0 and prior[72, 2] == 0
    # building the chord: over a D bass, E makes no triad with D (a D-E-A "sus2" is no chord it builds)
    building = rhythm.prior({2}, here)
    assert building[64, 0] < 0 and building[66, 0] == building[69, 0] == building[71, 0] == 0 and building[64, 2] == 0
    # a context that changes chord at every span: completing the span before's chord again costs more
    moving = HarmonicRhythm(divisions=1, size=3, change=1.0)
    again = moving.prior({7, 11}, here, previous={7, 11, 2})
    assert again[62, 0] == -moving.change_penalty < 0 and again[64, 0] == 0  # G B D again, or on to E minor
    assert HarmonicRhythm(divisions=1, size=3, change=0.3).change_penalty == 0  # a context that mostly stays


def left_hand_chords(variation) -> list[list[frozenset]]:
    bars: dict[int, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for n in variation.notes:
        if n.generated and n.voice == 1:
            bars[(n.onset - Q) // BAR][n.onset].add(n.pitch % 12)
    return [[frozenset(pcs) for _, pcs in sorted(onsets.items()) if len(pcs) >= 2] for _, onsets in sorted(bars.items())]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_left_hand_continued_beside_its_tune_keeps_one_chord_a_bar(cowriter, seed):
    changes, one_chord, moves = [], [], []
    for variation in cowriter.generate(continue_request(pedalled_hymn(), (0, 1), bars=4, variations=4, seed=seed)):
        bars = [frozenset().union(*chords) for chords in left_hand_chords(variation) if chords]
        moves += [a != b for a, b in zip(bars, bars[1:])]  # a bar on another chord than the bar before
        for chords in left_hand_chords(variation):
            changes.append(sum(a != b for a, b in zip(chords, chords[1:])))
            classes = sorted(set().union(*chords)) if chords else []
            one_chord.append(bool(_TEMPLATES[:, classes].all(1).any()))  # the bar's pitch classes: one chord
    assert len(changes) >= 12
    # Without the harmonic rhythm kept (seeds 1-3): 1.04 changes of chord inside a bar, 42 % of the
    # bars on one chord and 58 % of the bars' notes one chord of the vocabulary; with it 0.02, 98 %, 100 %.
    assert np.mean(changes) <= 0.3 and np.mean(np.array(changes) == 0) >= 0.8, changes
    assert np.mean(one_chord) >= 0.9, one_chord
    # ... and where its context changes chord at every bar, it moves on: 50 % of bars without, 94 % with
    assert np.mean(moves) >= 0.75, moves


def test_a_context_of_root_position_chords_builds_on_its_bass():
    onsets, pitches = [], []
    for bar, (bass, triad) in enumerate(CHORDS * 2):  # a bass note and a triad on it, every bar
        onsets += [bar * BAR] + [bar * BAR + beat * Q for beat in (1, 2, 3) for _ in triad]
        pitches += [bass] + [p for _ in (1, 2, 3) for p in triad]
    onsets, pitches = np.array(onsets), np.array(pitches)
    rhythm = harmonic_rhythm_of(onsets, pitches, onsets % BAR, np.full(len(onsets), BAR), 4)
    assert rhythm.root_bass
    here = np.array([True, False])
    built = rhythm.prior({0}, here, lowest=48)  # over a C bass: C major or C minor, not A minor or F major
    assert built[64, 0] == built[67, 0] == built[63, 0] == 0 and built[69, 0] < 0 and built[65, 0] < 0
    assert built[69, 1] == 0  # (the next span is free)
    moving = rhythm.opening(48, np.array([True]))  # the next bar's bass on C again costs: the chords move
    assert moving[48, 0] < 0 and moving[43, 0] == 0 and moving[72, 0] == 0  # (a C two octaves up is no bass)
    # a left hand of inversions (the bass not the root): chords are not built on it
    inverted = np.where(np.arange(len(pitches)) % 10 == 0, pitches + 4, pitches)
    assert not harmonic_rhythm_of(onsets, inverted, onsets % BAR, np.full(len(onsets), BAR), 4).root_bass


@pytest.mark.parametrize("seed", [1, 2])
def test_a_left_hands_chords_stand_on_its_bass_and_move(cowriter, seed):
    rooted, moves = [], []
    for variation in cowriter.generate(continue_request(pedalled_hymn(), (0, 1), bars=4, variations=4, seed=seed)):
        bars: dict[int, list[int]] = defaultdict(list)
        for n in variation.notes:
            if n.generated and n.voice == 1:
                bars[(n.onset - Q) // BAR].append(n.pitch)
        chords = []
        for pitches in bars.values():
            classes, bass = sorted({p % 12 for p in pitches}), min(pitches) % 12
            rooted.append(any(set(classes) <= {(bass + i) % 12 for i in triad} for triad in ((0, 4, 7), (0, 3, 7), (0, 3, 6))))
            chords.append(frozenset(classes))
        moves += [a != b for a, b in zip(chords, chords[1:])]
    # without: the bar's lowest note the root of its triad in 11 of 48 bars (seeds 1-3); with it 47 of 48,
    # and every bar on another chord than the bar before (36 of 36), as the context's G | C | D | G
    assert np.mean(rooted) >= 0.85, rooted
    assert np.mean(moves) >= 0.75, moves

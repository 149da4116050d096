"""The co-writer's priors taken from the request (composer.model.priors): a drum continuation keeps
its groove, a melody over given chords puts chord tones on the strong beats (issue 14), the
chord prior does nothing without chords, and a key lock still wins over it.

The model tests run the shipped model on small seeds the tests write themselves."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model import vocab as V
from composer.model.priors import (CHORD_STRENGTH, chord_tone_prior, grid_of, groove_profile, metric_weight,
                                   style_chord_strength)
from composer.music import Note, Score, Voice
from composer.music.chords import QUALITY_INDEX, ChordSymbol
from composer.music.region import Controls, Region
from composer.music.scales import Key

BAR, SIXTEENTH, QUARTER = 1920, 120, 480


@pytest.fixture(scope="module")
def checkpoint():
    from composer.generate import default_model_path
    from composer.model.checkpoint import load_checkpoint

    if not default_model_path().exists():
        pytest.fail(f"the shipped model {default_model_path()} is missing")
    return load_checkpoint(default_model_path())


def rock_seed(bars: int = 2, jitter: int = 10, seed: int = 0) -> list[Note]:
    """A performed rock beat: hi-hat eighths, kick on 1, 3 and the 'and' of 3, snare on 2 and 4
    (sixteenth positions 4 and 12), each onset a few ticks off the grid as a drummer plays."""
    rng = np.random.default_rng(seed)
    notes = []
    for bar in range(bars):
        for six in range(16):
            tick = bar * BAR + six * SIXTEENTH
            for key, positions, velocity in ((42, range(0, 16, 2), 80), (36, (0, 8, 10), 100), (38, (4, 12), 110)):
                if six in positions:
                    notes.append(Note(key, max(0, tick + int(rng.integers(-jitter, jitter + 1))), 60, velocity, 0))
    return notes


def test_metric_weight_marks_downbeats_and_half_bars_strongest():
    since = np.array([0, 480, 960, 1440, 240, 120])
    weights = metric_weight(since, np.full(6, BAR), np.full(6, 4), np.full(6, 4))
    assert weights.tolist() == [1.0, 0.5, 1.0, 0.5, 0.25, 0.0]
    # 3/4: only the downbeat is strong; 6/8: the second dotted quarter too.
    three, six = (np.full(3, 1440), np.full(3, 3), np.full(3, 4)), (np.full(3, 1440), np.full(3, 6), np.full(3, 8))
    assert metric_weight(np.array([0, 480, 960]), *three).tolist() == [1, .5, .5]
    assert metric_weight(np.array([0, 720, 240]), *six).tolist() == [1, 1, .25]


def test_chord_tone_prior_rewards_the_chord_tones_and_nothing_without_a_chord():
    roots = np.array([0, 9, V.NO_CHORD_ROOT])  # C, A, no chord
    qualities = np.array([QUALITY_INDEX["maj"], QUALITY_INDEX["min7"], V.NO_CHORD_QUALITY])
    prior = chord_tone_prior(roots, qualities, np.array([1.0, 0.5, 1.0]), strength=2.0)
    assert prior.shape == (V.N_PITCH, 3)
    assert {p % 12 for p in np.flatnonzero(prior[:, 0])} == {0, 4, 7}
    assert prior[64, 0] == 2.0 and prior[65, 0] == 0.0
    assert {p % 12 for p in np.flatnonzero(prior[:, 1])} == {9, 0, 4, 7} and prior[69, 1] == 1.0
    assert not prior[:, 2].any()


def test_styles_follow_chords_as_their_people_do():
    # Jazz soloists put far fewer chord tones on the beat than lead sheets (train split: 52 vs 78 %).
    assert style_chord_strength("jazz") < style_chord_strength("popular_song") - 1
    assert style_chord_strength("popular_song_jazz") < style_chord_strength("popular_song_rock")
    assert style_chord_strength("irish") == style_chord_strength(None) == CHORD_STRENGTH


def test_groove_profile_finds_the_sixteenth_grid_and_the_backbeat():
    notes = rock_seed(jitter=12)
    onsets = np.array([n.onset for n in notes])
    profile = groove_profile(onsets % BAR, np.full(len(notes), BAR), np.array([n.pitch for n in notes]), onsets)
    assert profile.step == 3
    snare, kick = profile.log_ratio[38], profile.log_ratio[36]
    assert snare[12] > 0 and snare[36] > 0  # sixteenths 4 and 12 in grid units
    assert snare[12] > snare[0] + 1 and kick[0] > kick[12] + 1
    # The hi-hat is the highest key, written first, at every eighth: the kick under it comes after.
    assert profile.log_top[42, 0] > profile.log_top[36, 0] + 1
    # Every eighth is played in both bars, the sixteenths between never: skipping an eighth costs
    # more than landing on a sixteenth gains.
    assert profile.occupancy[0:48:6].min() > 0.85 and profile.occupancy[3:48:6].max() < 0.15
    onset_prior = profile.onset_prior(np.arange(13))  # from the downbeat, in grid units
    assert onset_prior[6] == onset_prior[[3, 6, 9, 12]].max() and onset_prior[12] < onset_prior[6] - 1
    # Onsets anywhere in the bar: no grid is claimed.
    rng = np.random.default_rng(1)
    assert grid_of(rng.integers(0, BAR, 64)) is None


def test_rock_groove_continuation_keeps_its_backbeat_and_feel(checkpoint):
    from composer.model.region_writer import write_region

    seed = rock_seed()
    score = Score(notes=seed, voices=[Voice(is_drum=True)])
    variations = write_region(checkpoint, score, Region(2 * BAR, 4 * BAR, (0,)), style="groove_rock",
                              variations=8, seed=1)
    backbeats = bars = hats = 0
    correlations = []
    seed_hist = np.bincount([(n.onset + SIXTEENTH // 2) % BAR // SIXTEENTH for n in seed], minlength=16)
    for notes in variations:
        assert all(n.onset % SIXTEENTH == 0 for n in notes), "drums left the sixteenth grid their seed was played on"
        for bar in (2, 3):
            snares = {(n.onset - bar * BAR) // SIXTEENTH for n in notes if n.pitch == 38 and n.onset // BAR == bar}
            backbeats += {4, 12} <= snares
            bars += 1
            hats += len({n.onset for n in notes if n.pitch == 42 and n.onset // BAR == bar and n.onset % 240 == 0})
        hist = np.bincount([n.onset % BAR // SIXTEENTH for n in notes], minlength=16)
        correlations.append(np.corrcoef(seed_hist, hist)[0, 1])
    assert backbeats >= 0.75 * bars, f"the backbeat (snare on 2 and 4) held in {backbeats} of {bars} bars"
    assert hats >= 0.85 * 8 * bars, f"hi-hat eighths: {hats} of {8 * bars} (a kick or snare written first shut them out)"
    assert np.median(correlations) >= 0.8, f"onset histograms correlate {np.median(correlations):.2f} with the seed"


def melody_over_chords():
    """Four bars of a C-major tune with a chord a bar, and eight bars of chords to write over."""
    tune = [67, 64, 65, 67, 69, 67, 65, 64, 65, 64, 62, 60, 62, 64, 65, 62]
    score = Score(notes=[Note(p, i * QUARTER, QUARTER, 90, 0) for i, p in enumerate(tune)], voices=[Voice()])
    figures = "C Am F G C Am Dm G7".split()
    return score, [ChordSymbol(i * BAR, BAR, figure) for i, figure in enumerate(figures)]


TONES = {"C": {0, 4, 7}, "Am": {9, 0, 4}, "F": {5, 9, 0}, "G": {7, 11, 2}, "Dm": {2, 5, 9}, "G7": {7, 11, 2, 5}}


def strong_beat_chord_tones(variations, chords) -> tuple[float, int]:
    hits = count = 0
    for notes in variations:
        for n in notes:
            if n.onset % (BAR // 2) == 0:
                chord = chords[n.onset // BAR]
                count += 1
                hits += n.pitch % 12 in TONES[chord.figure]
    return hits / max(1, count), count


def test_melody_over_given_chords_puts_more_chord_tones_on_strong_beats(checkpoint):
    from composer.model.region_writer import write_region

    score, chords = melody_over_chords()
    shares = {}
    for strength in (0.0, None):
        written = write_region(checkpoint, score, Region(4 * BAR, 8 * BAR, (0,)), style="popular_song", chords=chords,
                               controls=Controls(chord_strength=strength), variations=16, seed=5)
        shares[strength], count = strong_beat_chord_tones(written, chords)
        assert count >= 32
    assert shares[None] >= shares[0.0] + 0.08, shares
    assert shares[None] >= 0.65, shares


def test_chord_strength_has_no_effect_without_chords(checkpoint):
    from composer.model.region_writer import write_region

    score, _ = melody_over_chords()
    runs = []
    for strength in (0.0, None, 8.0):
        written = write_region(checkpoint, score, Region(4 * BAR, 6 * BAR, (0,)), style="popular_song",
                               controls=Controls(chord_strength=strength), variations=4, seed=9)
        runs.append([(n.pitch, n.onset, n.duration) for notes in written for n in notes])
    assert runs[0] == runs[1] == runs[2]


def test_key_lock_wins_over_chord_tones(checkpoint):
    from composer.model.region_writer import write_region

    score, _ = melody_over_chords()
    # E major's G# is a chord tone outside the locked C major: it must stay out, however strong the pull.
    chords = [ChordSymbol(i * BAR, BAR, "E") for i in range(8)]
    written = write_region(checkpoint, score, Region(4 * BAR, 8 * BAR, (0,)), style="popular_song", chords=chords,
                           key=Key.parse("C:major"),
                           controls=Controls(chord_strength=10.0), variations=8, seed=2)
    pitches = [n.pitch for notes in written for n in notes]
    assert pitches and not any(p % 12 == 8 for p in pitches)
    on_strong = [n.pitch % 12 for notes in written for n in notes if n.onset % (BAR // 2) == 0]
    assert np.mean([p in (4, 11) for p in on_strong]) >= 0.5  # the chord tones the key allows, E and B


def test_chord_strength_is_validated():
    with pytest.raises(ValueError, match="chord strength"):
        Controls(chord_strength=-1.0)


def test_triads_are_estimated_bar_by_bar_from_the_other_parts():
    from composer.model.priors import estimate_chords
    from composer.music.chords import QUALITY_INDEX

    # C E G C | D F A D | B D G B in 4/4 quarters, C major
    pitches = np.array([72, 76, 79, 84, 74, 77, 81, 74, 71, 74, 79, 83])
    onsets = np.arange(12) * 480
    rows = estimate_chords(onsets, np.full(12, 480), pitches, None, frozenset({0, 2, 4, 5, 7, 9, 11}))
    assert rows.tolist() == [[0, 1920, 0, QUALITY_INDEX["maj"]], [1920, 1920, 2, QUALITY_INDEX["min"]],
                             [3840, 1920, 7, QUALITY_INDEX["maj"]]]
    # A held note counts in every bar it sounds in; no notes, no rows.
    held = estimate_chords(np.array([0]), np.array([3840]), np.array([69]), None)
    assert held[:, 0].tolist() == [0, 1920] and all(9 in {(r + t) % 12 for t in (0, 3, 4, 7)} for r in held[:, 2])
    assert estimate_chords(np.zeros(0), np.zeros(0), np.zeros(0), None).shape == (0, 4)


def test_a_chord_s_tone_outside_the_key_that_nothing_plays_is_no_evidence_of_it():
    # F#5 A5 G5 E5 in a G major tune: D and F# minor each hold F# and A; F# minor won by its root
    # sounding first and lowest, and an added harmony part played F#m, its C#4 against the tune's
    # G5 (QA). Its C# is outside the key and never sounds: D it is (OpenEWLD melodies' chords read
    # outside their key 10.8 -> 7.3 %, roots right 30.2 -> 30.8 %, 150 lead sheets).
    from composer.model.priors import estimate_chords

    g_major = frozenset({7, 9, 11, 0, 2, 4, 6})
    rows = estimate_chords(np.arange(4) * 480, np.full(4, 470), np.array([78, 81, 79, 76]), None, g_major)
    assert rows[:, 2:].tolist() == [[2, QUALITY_INDEX["maj"]]]
    # where the tone sounds, the chord outside the key stands: F# A C# E is F# minor
    rows = estimate_chords(np.arange(4) * 480, np.full(4, 470), np.array([78, 81, 85, 76]), None, g_major)
    assert rows[:, 2:].tolist() == [[6, QUALITY_INDEX["min"]]]

"""An accompanying line that repeats a figure bar for bar keeps it when continued beside the tune
(composer.model.priors.Ostinato): a one-bar bass riff stated 8 times under a tune came back in 0
of 48 continued bars, 15-25 % of its notes (QA). Over chords written or given, the figure moves
with their roots. Unit tests of the figure finder, and the shipped model on pieces written here."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model.priors import OSTINATO_STRENGTH, Ostinato, find_ostinato
from composer.music import Note, Score, Voice
from composer.music.chords import ChordSymbol, parse_chord_bars, with_chords
from composer.request import continue_request

Q = 480  # ticks per quarter
BAR = 48  # grid ticks per 4/4 bar
ROCK = [45, 45, 48, 50, 52, 50, 48, 43]  # a one-bar riff in eighths
ALBERTI = [48, 55, 52, 55, 48, 55, 52, 55]
TUNE = [69, 72, 74, 76, 74, 72, 69, 67]


def line(figure: list[int], bars: int, step: int = 6) -> tuple[np.ndarray, np.ndarray]:
    onsets = np.array([b * BAR + i * step for b in range(bars) for i in range(len(figure))])
    return onsets, np.array(figure * bars)


def test_a_figure_stated_three_times_bar_for_bar_is_found_the_shortest_first():
    onsets, pitches = line(ROCK, 4)
    riff = find_ostinato(onsets, pitches, 4 * BAR, BAR)
    assert riff == Ostinato(anchor=4 * BAR, period=BAR, offsets=tuple(range(0, 48, 6)), pitches=tuple(ROCK))
    two_bar = line(ROCK + ALBERTI, 3, step=6)  # 16 eighths: a two-bar figure
    two_bar = (np.array([i * 6 for i in range(48)]), two_bar[1])
    found = find_ostinato(*two_bar, 6 * BAR, BAR)
    assert found is not None and found.period == 2 * BAR and found.pitches == tuple(ROCK + ALBERTI)


@pytest.mark.parametrize("case", ["twice", "varied", "pedal", "not at the end"])
def test_no_figure_where_there_is_none(case):
    onsets, pitches = line(ROCK, 4)
    end = 4 * BAR
    if case == "twice":
        onsets, pitches = line(ROCK, 2)
        end = 2 * BAR
    elif case == "varied":
        pitches = pitches.copy()
        pitches[-3] = 53  # the last statement differs in one note
    elif case == "pedal":
        pitches = np.full(len(onsets), 45)  # one repeated pitch: the model keeps that itself
    else:
        onsets, pitches = np.r_[onsets, 4 * BAR + np.arange(0, 48, 12)], np.r_[pitches, [57, 55, 53, 52]]
        end = 5 * BAR  # the line moved on in its last bar
    assert find_ostinato(onsets, pitches, end, BAR) is None


def test_the_prior_points_at_the_next_note_of_the_figure_across_the_bar_line():
    riff = Ostinato(anchor=BAR, period=BAR, offsets=(0, 12, 24, 36), pitches=(45, 52, 48, 43))
    assert riff.next_note(BAR) == (BAR, 45)
    assert riff.next_note(BAR + 13) == (BAR + 24, 48)
    assert riff.next_note(BAR + 37) == (2 * BAR, 45)  # round to the next statement
    assert riff.next_note(5 * BAR + 1) == (5 * BAR + 12, 52)
    prior = riff.prior(BAR + 13, origin=BAR + 12)
    assert prior.shape == (128, 97) and prior[48, 12] == OSTINATO_STRENGTH and np.count_nonzero(prior) == 1
    assert riff.prior(BAR + 13, origin=BAR - 200) is None  # beyond the deltas


def test_the_figure_moves_with_the_chord_roots_when_it_kept_to_one_chord():
    onsets, pitches = line(ROCK, 4)
    a_minor = find_ostinato(onsets, pitches, 4 * BAR, BAR, root_at=lambda t: np.full(len(t), 9))
    assert a_minor.roots == (9,) * 8
    roots = {4 * BAR: 2, 5 * BAR: 4, 6 * BAR: -1}  # D, E, no chord

    def root_at(onset: int) -> int:
        return roots[onset // BAR * BAR]
    assert a_minor.next_note(4 * BAR, root_at) == (4 * BAR, 45 + 5)  # A to D: up a fourth
    assert a_minor.next_note(5 * BAR + 1, root_at) == (5 * BAR + 6, 45 - 5)  # A to E: down a fourth
    assert a_minor.next_note(6 * BAR + 7, root_at) == (6 * BAR + 12, 48)  # no chord: as written
    # A riff played unchanged over changing chords is a pedal riff: no roots to move with.
    changing = find_ostinato(onsets, pitches, 4 * BAR, BAR, root_at=lambda t: np.where(t // BAR % 2, 2, 9))
    assert changing is not None and changing.roots is None


def riff_under_tune(figure: list[int]) -> Score:
    notes = []
    for b in range(8):
        notes += [Note(p, b * 4 * Q + i * Q // 2, Q // 2, 90, 1) for i, p in enumerate(figure)]
        notes += [Note(TUNE[(b * 4 + i) % 8], b * 4 * Q + i * Q, Q, 90, 0) for i in range(4)]
    return Score(notes=notes, voices=[Voice("Melody", 73), Voice("Bass", 33)])


def bars_kept(variations, figure: list[int]) -> tuple[int, int]:
    kept = total = 0
    for v in variations:
        bars: dict[int, list[int]] = {}
        for n in sorted((n for n in v.notes if n.generated and n.voice == 1), key=lambda n: n.onset):
            bars.setdefault(n.onset // (4 * Q), []).append(n.pitch)
        kept += sum(pitches == figure for pitches in bars.values())
        total += len(bars)
    return kept, total


@pytest.mark.parametrize("figure", [ROCK, ALBERTI], ids=["rock riff", "Alberti"])
def test_a_riff_under_a_tune_goes_on_when_both_are_continued(cowriter, figure):
    variations = cowriter.generate(continue_request(riff_under_tune(figure), bars=4, variations=4, seed=1))
    kept, total = bars_kept(variations, figure)
    assert total == 16 and kept >= 10, (kept, total)  # most bars the riff, some varied (0 of 16 before)
    assert len({tuple(n.pitch for n in v.notes if n.generated) for v in variations}) > 1  # still variations


def test_over_given_chords_the_riff_moves_with_their_roots(cowriter):
    """A riff written over A minor, continued under --chords "Dm | Em" (as the command lays them
    out): up a fourth over D minor, down a fourth over E minor (the nearest way to each root)."""
    score = riff_under_tune(ROCK)
    score.chords = [ChordSymbol(b * 4 * Q, 4 * Q, "Am") for b in range(8)]
    given = parse_chord_bars("Dm | Em", score.meter_map(), start=score.end)
    score.chords = with_chords(score.chords, given)
    variations = cowriter.generate(continue_request(score, bars=2, variations=4, seed=3, chords=score.chords))
    agree = total = whole = 0
    for v in variations:
        bass = sorted((n for n in v.notes if n.generated and n.voice == 1), key=lambda n: n.onset)
        for shift, bar in ((5, 8), (-5, 9)):
            figure = [p + shift for p in ROCK]
            notes = [n for n in bass if n.onset // (4 * Q) == bar]
            whole += [n.pitch for n in notes] == figure
            for n in notes:
                eighth, rest = divmod(n.onset % (4 * Q), Q // 2)
                total += 1
                agree += rest == 0 and n.pitch == figure[eighth]
    assert total >= 60 and agree >= 0.7 * total and whole >= 3, (agree, total, whole)  # 8 bars

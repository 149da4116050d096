"""An accompanying line that repeats a figure bar for bar keeps it when continued beside the tune
(composer.model.priors.Ostinato): a one-bar bass riff stated 8 times under a tune came back in 0
of 48 continued bars, 15-25 % of its notes (QA). Unit tests of the figure finder, and the shipped
model on a piece written here."""

from __future__ import annotations

import numpy as np
import pytest

import composer.model.region_writer as region_writer
from composer.model.priors import OSTINATO_STRENGTH, Ostinato, find_ostinato
from composer.music import Note, Score, Voice
from composer.music.chords import parse_chord_bars
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


def test_over_given_chords_the_line_follows_them_not_the_riff(cowriter, monkeypatch):
    seen = []
    real = region_writer.sample_region

    def kept(model, memory, plan, variations, **options):
        seen.append([v.ostinato for v in plan.voices])
        return real(model, memory, plan, variations, **options)

    monkeypatch.setattr(region_writer, "sample_region", kept)
    score = riff_under_tune(ROCK)
    cowriter.generate(continue_request(score, (1,), bars=2, variations=1, seed=0))
    chords = parse_chord_bars("F | G", score.meter_map(), start=score.end)  # as --chords lays them out
    cowriter.generate(continue_request(score, (1,), bars=2, variations=1, seed=0, chords=chords))
    assert seen[0][0] is not None and seen[0][0].pitches == tuple(ROCK)
    assert seen[1] == [None]

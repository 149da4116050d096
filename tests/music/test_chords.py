"""Chord symbols: parsing through music21, bars of --chords, merging, and estimation from notes."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from composer.music.chords import (QUALITIES, ChordSymbol, estimate_chords, figure_of, parse_chord_bars,
                                   root_and_quality, with_chords)
from composer.music.meter import MeterChange, MeterMap
from composer.music.score import Note, Score, TimeSignature, Voice

FOUR_FOUR = MeterMap([MeterChange(0, 4, 4)])


@pytest.mark.parametrize("figure, root, quality", [
    ("C", 0, "maj"), ("Am", 9, "min"), ("Am7", 9, "min7"), ("F/A", 5, "maj"), ("G7sus4", 7, "7sus4"),
    ("Bbmaj7", 10, "maj7"), ("Ebm6", 3, "min6"), ("F#m7b5", 6, "hdim7"), ("Bdim7", 11, "dim7"), ("Caug", 0, "aug"),
    ("C9", 0, "dom7"), ("C7b9", 0, "dom7"), ("Dsus2", 2, "sus2"), ("CmMaj7", 0, "minmaj7"), ("Bb-7", 10, "min7"),
    ("Ebj7", 3, "maj7"), ("C6", 0, "6"), ("Db/Ab", 1, "maj"),
])
def test_figures_reduce_to_root_and_quality(figure, root, quality):
    assert root_and_quality(figure) == (root, QUALITIES.index(quality))


def test_quality_vocabulary_is_small_and_figures_round_trip():
    assert len(QUALITIES) <= 16 and len(set(QUALITIES)) == len(QUALITIES)
    for root in range(12):
        for quality in range(len(QUALITIES)):
            assert root_and_quality(figure_of(root, quality)) == (root, quality), figure_of(root, quality)


def test_bars_of_chords_follow_the_meter_from_the_bar_holding_the_start():
    chords = parse_chord_bars("C | Am | F G7 | %", FOUR_FOUR, start=2000)  # tick 2000 lies in bar 2
    assert chords == [ChordSymbol(1920, 1920, "C"), ChordSymbol(3840, 1920, "Am"), ChordSymbol(5760, 960, "F"),
                      ChordSymbol(6720, 960, "G7"), ChordSymbol(7680, 960, "F"), ChordSymbol(8640, 960, "G7")]
    three = parse_chord_bars("Dm | N.C. | G7", MeterMap([MeterChange(0, 3, 4)]))
    assert [(c.onset, c.duration, c.figure) for c in three] == [(0, 1440, "Dm"), (2880, 1440, "G7")]
    with pytest.raises(ValueError, match="bar 2: 'H7'"):
        parse_chord_bars("C | H7", FOUR_FOUR)
    with pytest.raises(ValueError, match="bar 2 .* empty"):
        parse_chord_bars("C || G", FOUR_FOUR)


def test_chords_of_one_bar_change_on_its_beats_and_a_slash_holds_one():
    """A lead sheet's chords change on the beat: "C F G" in 4/4 is 2 + 1 + 1 beats, not 1, 2 1/3 and
    3 2/3 where no part plays (QA qa31); a "/" holds the chord before it a share, as in a chord chart."""
    def laid(text, meter=FOUR_FOUR):
        return [(c.onset, c.duration, c.figure) for c in parse_chord_bars(text, meter)]

    assert laid("C F G") == [(0, 960, "C"), (960, 480, "F"), (1440, 480, "G")]
    assert laid("C / / F | G / Am /") == [(0, 1440, "C"), (1440, 480, "F"), (1920, 960, "G"), (2880, 960, "Am")]
    assert laid("C F/A G Am Dm") == [(0, 480, "C"), (480, 480, "F/A"), (960, 480, "G"), (1440, 240, "Am"),
                                     (1680, 240, "Dm")]  # (more chords than beats: in eighths)
    assert laid("C G", MeterMap([MeterChange(0, 3, 4)])) == [(0, 960, "C"), (960, 480, "G")]
    assert laid("C G | C F G", MeterMap([MeterChange(0, 6, 8)])) == [  # dotted beats, then eighths
        (0, 720, "C"), (720, 720, "G"), (1440, 480, "C"), (1920, 480, "F"), (2400, 480, "G")]
    assert laid("C G", MeterMap([MeterChange(0, 5, 4)])) == [(0, 1440, "C"), (1440, 960, "G")]
    with pytest.raises(ValueError, match="bar 2 .* starts with '/'"):
        parse_chord_bars("C | / G", FOUR_FOUR)
    with pytest.raises(ValueError, match="write '/' apart"):
        parse_chord_bars("C//F | G", FOUR_FOUR)
    with pytest.raises(ValueError, match="bar 1 .* '%'.* none"):
        parse_chord_bars("% | G", FOUR_FOUR)


def test_bars_of_more_chords_than_beats_are_found():
    from composer.music.chords import crowded_bars

    assert crowded_bars("C D E F G | C / / F | C F G", FOUR_FOUR) == [(1, 5, 4)]
    assert crowded_bars("C / / F | C G", MeterMap([MeterChange(0, 3, 4)])) == [(1, 4, 3)]
    assert crowded_bars("C F G | C G", MeterMap([MeterChange(0, 6, 8)])) == [(1, 3, 2)]
    assert crowded_bars("C / / / / | G / / / F / / /", FOUR_FOUR) == []  # (no change off the beat)


def test_a_bar_of_chords_reads_back_as_it_was_laid():
    from composer.music.chords import bar_chart

    for text in ("C F G", "C / / F", "C", "N.C. F", "C F/A G Am Dm", "C / / / / F / /"):
        for meter in (MeterChange(0, 4, 4), MeterChange(0, 6, 8), MeterChange(0, 3, 4)):
            laid = parse_chord_bars(text, MeterMap([meter]))
            assert parse_chord_bars(bar_chart(laid, meter, 0, meter.bar_ticks), MeterMap([meter])) == laid
    assert bar_chart(parse_chord_bars("C / / F", FOUR_FOUR), FOUR_FOUR.at(0), 0, 1920) == "C / / F"
    # a chord off every layout: the figures alone
    assert bar_chart([ChordSymbol(0, 700, "C"), ChordSymbol(700, 1220, "F")], FOUR_FOUR.at(0), 0, 1920) == "C F"


def test_new_chords_replace_the_old_from_their_first_onset():
    old = [ChordSymbol(0, 1920, "C"), ChordSymbol(1920, 1920, "F"), ChordSymbol(3840, 1920, "G")]
    merged = with_chords(old, [ChordSymbol(2880, 960, "Dm")])
    assert merged == [ChordSymbol(0, 1920, "C"), ChordSymbol(1920, 960, "F"), ChordSymbol(2880, 960, "Dm")]


def _arpeggios(progression, meter=(4, 4)):
    bar = meter[0] * 1920 // meter[1]
    notes = []
    for number, pitches in enumerate(progression):
        step = bar // len(pitches)
        notes += [Note(p, number * bar + i * step, step) for i, p in enumerate(pitches)]
    return notes


def test_estimated_chords_name_each_bar_of_an_arpeggiated_progression():
    notes = _arpeggios([[48, 52, 55, 60], [45, 48, 52, 57], [41, 45, 48, 53], [43, 47, 50, 53], [48, 52, 55, 60]])
    drums = [Note(42, i * 480, 60, voice=1) for i in range(20)]  # a hi-hat on every beat: left out
    score = Score(notes=notes + drums, voices=[Voice("Piano"), Voice("Drums", is_drum=True)])
    assert [(c.onset, c.figure) for c in estimate_chords(score)] == [(0, "C"), (1920, "Am"), (3840, "F"), (5760, "G7"),
                                                                    (7680, "C")]


def test_estimation_splits_a_bar_with_two_chords_and_merges_repeats():
    # bar 0: C (first half) then G7 (second half); bars 1-2: C held
    notes = _arpeggios([[48, 52, 55, 43, 47, 50, 53, 55]]) + [Note(p, 1920, 3840) for p in (48, 52, 55)]
    rows = np.array([(n.onset, n.duration, n.pitch, 80, 0) for n in notes])
    chords = estimate_chords(rows, FOUR_FOUR)
    assert [(c.onset, c.duration, c.figure) for c in chords] == [(0, 960, "C"), (960, 960, "G7"), (1920, 3840, "C")]
    assert estimate_chords(Score()) == []


def test_continue_takes_chords_one_bar_each_after_the_score(monkeypatch, tmp_path, capsys):
    """--chords from the command line to the GenerationRequest, from the first new bar: the score
    ends on beat 3 of bar 2, whose rest keeps its own harmony, as --bars counts whole bars after
    it (the chart had started over bar 2, the tune's own, and the notice of bars left without
    chords had counted bar 2 as the first of the four written; QA). The runner that loads the model
    is replaced (the model is not what this tests); the request is built by the real code."""
    from composer.cli import build_parser
    import composer.commands.continue_ as continue_

    score = Score(notes=[Note(60, 0, 1920), Note(64, 1920, 960)], time_signature=TimeSignature(4, 4))
    built = {}

    def run_request(args, build):
        built["request"] = build(score, {})
        return 0

    monkeypatch.setattr(continue_, "run_request", run_request)
    args = build_parser().parse_args(["continue", "in.mid", "-o", "out.mid", "--chords", "Am7 | D7 G | %"])
    assert continue_.run(args) == 0
    request = built["request"]
    assert request.chords == score.chords == [ChordSymbol(3840, 1920, "Am7"), ChordSymbol(5760, 960, "D7"),
                                               ChordSymbol(6720, 960, "G"), ChordSymbol(7680, 960, "D7"),
                                               ChordSymbol(8640, 960, "G")]
    # the default 4 bars: the rest of bar 2, then bars 3-6; the chart gives 3-5
    assert "--chords gives bars 3-5; bar 6 is written without given chords" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["continue", "in.mid", "-o", "out.mid", "--chords", "C | Xm"])


def test_chords_are_estimated_for_a_tune_whose_key_is_a_near_tie(tmp_path):
    # A D dorian tune (C major's notes) reads C major and A minor within scales.RELATIVE_MARGIN: the tie-break by
    # the notes it opens and closes on read each note's onset, which the chord estimate's key
    # did not pass, and the window's "Estimate Chords for Empty Bars" failed without a word (QA).
    from composer.io import read_score

    path = tmp_path / "dorian.abc"
    path.write_text("X:1\nT:Dorian\nM:4/4\nL:1/8\nK:Ddor\nD2 F2 A2 AB|c2 A2 G2 E2|D2 F2 A2 d2|c2 A2 B2 c2|\n"
                    "d2 c2 A2 G2|F2 E2 D2 C2|D2 E2 F2 G2|A2 G2 E2 C2|\n")
    score = read_score(path)
    chords = estimate_chords(score)
    assert len(chords) >= 8 and all(c.figure for c in chords)

"""Comping patterns other than half notes keep their rhythm when continued (musician's QA of the
chordal texture prior, priors.Texture). Measured on the shipped model with scores the tests write
and read back as a user's MIDI file."""

from __future__ import annotations

from collections import Counter

import pytest

from composer.music import Note, Score, Voice

Q, BAR = 480, 1920
TRIADS = [(60, 64, 67), (60, 65, 69), (59, 62, 67), (60, 64, 67)]
TUNE = [76, 77, 79, 77, 76, 74, 72, 74, 76, 77, 79, 81, 79, 77, 76, 74]


def comping(tmp_path, pattern: list[tuple[float, float]], bars: int = 8) -> Score:
    """`bars` bars of 4/4: a piano voice of triads at `pattern` (onset, length in quarters) under a
    flute tune in quarters, written to a MIDI file and read back."""
    from composer.io import read_score, write_midi

    notes = [Note(p, b * BAR + int(on * Q), int(length * Q), 70, 1)
             for b in range(bars) for on, length in pattern for p in TRIADS[b % 4]]
    notes += [Note(TUNE[(b * 4 + i) % 16], b * BAR + i * Q, Q, 90, 0) for b in range(bars) for i in range(4)]
    path = tmp_path / "comping.mid"
    write_midi(Score(notes=notes, voices=[Voice("Flute", program=73), Voice("Piano", program=0)]), path)
    return read_score(path)


@pytest.fixture(scope="module")
def cowriter():
    from composer.generate import CoWriter, default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the shipped model {default_model_path()} is missing")
    return CoWriter.load(None)


def chord_positions(cowriter, request, piano: int) -> Counter:
    """Bar positions (quarters since the bar line) of the piano's generated chords, all variations."""
    positions: Counter = Counter()
    for variation in cowriter.generate(request):
        onsets = {n.onset for n in variation.notes if n.generated and n.voice == piano}
        positions.update((o % BAR) / Q for o in onsets)
    return positions


@pytest.mark.slow
def test_a_skank_under_a_tune_stays_off_the_downbeat(cowriter, tmp_path):
    """Reggae skank (eighth-note chords on beats 2 and 4 only) under a tune in quarters, continued
    4 bars, 2 seeds x 4 variations: no chord on the downbeat. The rhythm prior acted only on a
    chord that followed the piano's own last note; the first chord of the continuation follows
    the tune's, and it fell on the downbeat in 8 of 8 variations (now 0)."""
    from composer.request import continue_request

    score = comping(tmp_path, [(1, 0.5), (3, 0.5)])
    piano = next(i for i, v in enumerate(score.voices) if v.name == "Piano")
    positions: Counter = Counter()
    for seed in range(2):
        positions += chord_positions(cowriter, continue_request(score, bars=4, variations=4, seed=seed), piano)
    chords = sum(positions.values())
    assert chords >= 8 * 4 * 2 * 0.8, f"{chords} chords in 8 variations of 4 bars (the context: 2 a bar)"
    assert positions[0.0] == 0, f"{positions[0.0]} of {chords} chords on the downbeat: {dict(positions)}"
    assert (positions[1.0] + positions[3.0]) / chords >= 0.85, dict(positions)


@pytest.mark.slow
@pytest.mark.parametrize("task", ["fill", "continue"])
def test_syncopated_chords_keep_each_position_s_length(cowriter, tmp_path, task):
    """Chords on 1 (a dotted quarter), the and of 2 (a half) and the and of 4 (an eighth) under
    a tune, filled 2 bars (the piano alone) or continued 4, 2 seeds x 4 variations: at least 90 %
    of the chord notes at each position have that position's length. With one share of lengths
    for all positions (a third each) the and-of-2 chords took the dotted quarter before them 60
    of 96 times in a continuation (the model copies the last chord's length), and 79 % of all
    chord notes were eighths."""
    from composer.request import bar_span, continue_request, fill_request

    lengths = {0.0: 1.5, 1.5: 2.0, 3.5: 0.5}
    score = comping(tmp_path, list(lengths.items()))
    piano = next(i for i, v in enumerate(score.voices) if v.name == "Piano")
    kept, notes = Counter(), Counter()
    for seed in range(2):
        request = fill_request(score, *bar_span(score, 4, 5), (piano,), variations=4, seed=seed) if task == "fill" \
            else continue_request(score, bars=4, variations=4, seed=seed)
        for variation in cowriter.generate(request):
            for n in variation.notes:
                if n.generated and n.voice == piano:
                    position = (n.onset % BAR) / Q
                    notes[position] += 1
                    kept[position] += n.duration == lengths.get(position, -1) * Q
    assert sum(notes.values()) >= (2 if task == "fill" else 4) * 3 * 3 * 8 * 0.8, dict(notes)
    for position in lengths:
        assert kept[position] >= 0.9 * notes[position], f"at {position}: {kept[position]} of {notes[position]} " \
                                                        f"notes last {lengths[position]} quarters"

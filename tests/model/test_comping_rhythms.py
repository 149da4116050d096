"""Comping patterns other than half notes keep their rhythm when continued (musician's QA of the
chordal texture prior, priors.Texture). Measured on the shipped model with scores the tests write
and read back as a user's MIDI file."""

from __future__ import annotations

from collections import Counter

import numpy as np
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


@pytest.mark.slow
@pytest.mark.parametrize("task", ["fill", "continue"])
def test_a_stride_part_keeps_its_bass_notes_and_chords(cowriter, tmp_path, task):
    """Stride piano in one voice (a low C on beats 1 and 3, a triad on 2 and 4) under a tune, filled
    2 bars or continued 4, 2 seeds x 4 variations: at least 75 % of its onsets on beats 1 and 3
    single notes, at least 80 % of those on 2 and 4 chords, and the single notes lower than the
    chords' lowest notes (median). With one stacking rate and one chord top for all its onsets
    (a single note: a chord half the time; tops: the median of bass notes and chord tops), it
    continued as a single line around G3: 126 of 128 onsets single notes."""
    from composer.io import read_score, write_midi
    from composer.request import bar_span, continue_request, fill_request

    notes = []
    for b in range(8):
        notes += [Note(36 + (5 if b % 4 == 1 else 0) - (5 if b % 4 == 2 else 0), b * BAR + beat * Q, Q, 80, 1)
                  for beat in (0, 2)]
        notes += [Note(p, b * BAR + beat * Q, Q, 70, 1) for beat in (1, 3) for p in TRIADS[b % 4]]
        notes += [Note(TUNE[(b * 4 + i) % 16], b * BAR + i * Q, Q, 90, 0) for i in range(4)]
    path = tmp_path / "stride.mid"
    write_midi(Score(notes=notes, voices=[Voice("Flute", program=73), Voice("Piano", program=0)]), path)
    score = read_score(path)
    piano = next(i for i, v in enumerate(score.voices) if v.name == "Piano")
    strong, weak, singles, lowest = [], [], [], []
    for seed in range(2):
        request = fill_request(score, *bar_span(score, 4, 5), (piano,), variations=4, seed=seed) if task == "fill" \
            else continue_request(score, bars=4, variations=4, seed=seed)
        for variation in cowriter.generate(request):
            chords: dict = {}
            for n in variation.notes:
                if n.generated and n.voice == piano:
                    chords.setdefault(n.onset, []).append(n.pitch)
            for onset, pitches in chords.items():
                (strong if onset % (2 * Q) == 0 else weak).append(len(pitches))
                (singles.append(pitches[0]) if len(pitches) == 1 else lowest.append(min(pitches)))
    assert len(strong) + len(weak) >= (2 if task == "fill" else 4) * 4 * 8 * 0.8
    assert np.mean(np.array(strong) == 1) >= 0.75, f"beats 1 and 3: sizes {Counter(strong)}"
    assert np.mean(np.array(weak) >= 2) >= 0.8, f"beats 2 and 4: sizes {Counter(weak)}"
    assert np.median(singles) < np.median(lowest), f"single notes {np.median(singles)}, chords from {np.median(lowest)}"
    # ... in the bass register (the context's: F1-F2): with TOP_PULL 1 they rose to G3-E4 in 56 %
    # of continued bars, the model stepping up from the last chord's lowest note.
    assert np.mean(np.array(singles) <= 48) >= 0.9, f"single notes {sorted(singles)}"


def test_the_texture_of_stride_and_a_chord_that_outgrows_its_context():
    """Per bar position: a stride part stacks on beats 2 and 4 only, and its chords' tops there are
    the triads', the single notes' on 1 and 3 the bass notes; a chord past the context's largest
    size (a triad's fourth note) is as unlikely to grow as a full triad (it was 0.5, and with the
    voicing's bonus a stride part's chords grew to 7 and 8 notes)."""
    from composer.model import vocab as V
    from composer.model.priors import texture_of

    onsets, pitches, since = [], [], []
    for b in range(8):
        for beat in range(4):
            chord = (36,) if beat % 2 == 0 else TRIADS[b % 4]
            onsets += [(b * 4 + beat) * 12] * len(chord)
            pitches += sorted(chord, reverse=True)
            since += [beat * Q] * len(chord)
    ticks = np.array(onsets) * V.TICKS_PER_GRID
    texture = texture_of(np.array(onsets), np.array(pitches), (np.array(since), np.full(len(ticks), BAR), ticks))
    assert texture.rates_at[0, 0] < 0.1 and texture.rates_at[12, 0] > 0.9 and texture.rates_at[12, 2] < 0.1
    assert texture.top_at[0] == 36 and texture.top_at[12] == 67
    assert texture.rates[3] <= texture.rates[2] < 0.1
    grow = texture.prior([64, 60, 57, 52], 16, np.arange(12, 28))
    assert grow[:, 0].max() < grow[:, 1:].max() - 4, "a fourth note under a triad is likelier to grow than move on"


@pytest.mark.slow
@pytest.mark.parametrize("pattern", ["charleston", "skank"])
def test_a_fill_keeps_a_rhythm_that_leaves_beats_empty(cowriter, tmp_path, pattern):
    """A Charleston (quarter-note chords on 1 and the and of 2) or a skank (eighths on 2 and 4)
    under a tune, the piano filled for 2 bars, 2 seeds x 4 variations: at least 90 % of its chords
    where the context's start, 1.75-2.25 a bar. The model starts a chord where the last one ends;
    at RHYTHM_STRENGTH 4 the Charleston got a chord on the and of 3 in 12 of 16 bars (27 % of
    chords elsewhere), the skank one on an "and" in 9 of 41 chords."""
    from composer.request import bar_span, fill_request

    pattern_of = {"charleston": [(0, 1), (1.5, 1)], "skank": [(1, 0.5), (3, 0.5)]}[pattern]
    score = comping(tmp_path, pattern_of)
    piano = next(i for i, v in enumerate(score.voices) if v.name == "Piano")
    positions: Counter = Counter()
    for seed in range(2):
        positions += chord_positions(cowriter, fill_request(score, *bar_span(score, 4, 5), (piano,), variations=4,
                                                            seed=seed), piano)
    chords = sum(positions.values())
    assert 1.75 <= chords / 16 <= 2.25, f"{chords / 16:.2f} chords a bar: {dict(positions)}"
    assert sum(positions[on] for on, _ in pattern_of) >= 0.9 * chords, dict(positions)


@pytest.mark.slow
@pytest.mark.parametrize("pattern", ["charleston", "skank"])
def test_two_bars_of_context_are_enough_to_keep_a_rhythm(cowriter, tmp_path, pattern):
    """Two bars of a Charleston or a skank under a tune, continued 4 bars, 2 seeds x 4 variations:
    1.75-2.25 chords a bar, at least 90 % where the context's start. A context of fewer than 4
    bars kept no rhythm (and with 4 onsets no grid): the skank went on in eighths, 8.25 chords a
    bar; with 2 bars but the old smoothing, 3.75 (and the Charleston 2.91)."""
    from composer.request import continue_request

    pattern_of = {"charleston": [(0, 1), (1.5, 1)], "skank": [(1, 0.5), (3, 0.5)]}[pattern]
    score = comping(tmp_path, pattern_of, bars=2)
    piano = next(i for i, v in enumerate(score.voices) if v.name == "Piano")
    positions: Counter = Counter()
    for seed in range(2):
        positions += chord_positions(cowriter, continue_request(score, bars=4, variations=4, seed=seed), piano)
    chords = sum(positions.values())
    assert 1.75 <= chords / 32 <= 2.25, f"{chords / 32:.2f} chords a bar: {dict(positions)}"
    assert sum(positions[on] for on, _ in pattern_of) >= 0.9 * chords, dict(positions)


@pytest.mark.slow
def test_a_part_that_changed_rhythm_goes_on_in_the_new_one(cowriter, tmp_path):
    """4 bars of quarter-note chords, then 4 of half notes, under a tune, continued 4 bars, 2 seeds
    x 4 variations: at most 2.5 chords a bar, at least 80 % of the chord notes half notes. Every
    context bar weighed the same, so beats 2 and 4 were played half the time and the model, which
    starts a chord where the last ends, went back to quarters: 3.69 chords a bar, 278 of 354 chord
    notes quarters (priors.RECENCY_HALF_LIFE)."""
    from composer.io import read_score, write_midi
    from composer.request import continue_request

    notes = []
    for b in range(8):
        beats = range(4) if b < 4 else (0, 2)
        notes += [Note(p, b * BAR + beat * Q, Q if b < 4 else 2 * Q, 70, 1) for beat in beats for p in TRIADS[b % 4]]
        notes += [Note(TUNE[(b * 4 + i) % 16], b * BAR + i * Q, Q, 90, 0) for i in range(4)]
    path = tmp_path / "change.mid"
    write_midi(Score(notes=notes, voices=[Voice("Flute", program=73), Voice("Piano", program=0)]), path)
    score = read_score(path)
    piano = next(i for i, v in enumerate(score.voices) if v.name == "Piano")
    onsets, lengths = 0, []
    for seed in range(2):
        for variation in cowriter.generate(continue_request(score, bars=4, variations=4, seed=seed)):
            new = [n for n in variation.notes if n.generated and n.voice == piano]
            onsets += len({n.onset for n in new})
            lengths += [n.duration for n in new]
    assert onsets / 32 <= 2.5, f"{onsets / 32:.2f} chords a bar (the last 4 bars of the context: 2)"
    assert np.mean(np.array(lengths) == 2 * Q) >= 0.8, Counter(lengths)


def test_recency_weights_count_bars_from_the_region():
    """Notes within a bar of the region weigh 1, RECENCY_HALF_LIFE bars further one half, on either
    side of a fill."""
    from composer.model.priors import RECENCY_HALF_LIFE, recency_weights

    ticks = np.array([7 * BAR + 3 * Q, 7 * BAR, 6 * BAR + Q, 10 * BAR, 11 * BAR + Q, (10 + RECENCY_HALF_LIFE) * BAR])
    weights = recency_weights(ticks, np.full(len(ticks), BAR), 8 * BAR, 10 * BAR)
    assert weights.tolist() == pytest.approx([1, 1, 0.5 ** (1 / RECENCY_HALF_LIFE), 1, 0.5 ** (1 / RECENCY_HALF_LIFE),
                                              0.5])
    assert recency_weights(ticks[:3], np.full(3, BAR), 8 * BAR, None).tolist() == weights[:3].tolist()

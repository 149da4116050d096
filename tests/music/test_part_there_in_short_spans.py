"""Add part over one or two bars where the piece's bass, comping or drum part plays (composer.music.
second_part.find_part_there; request.add_part; scores written by the test).

Found by QA: `composer accompany song.mid --part bass --bars 7-8` beside a bass line playing the
whole piece (5 notes in those bars) wrote "Bass 2" in its register without a word, and `--part
harmony --bars 8` beside two chords a bar wrote "Harmony 2": a part counted as there only with 8
notes (4 chords) in the span asked, which one or two bars of a bass in half notes or of comping
never reach (the window's Add part over a selection of a bar or two, the same). Now a bar's worth
each is enough in a span of fewer bars: a note (a chord) a bar."""

from __future__ import annotations

import pytest

from composer.music import Note, Score, Voice
from composer.music.second_part import find_part_there
from composer.request import PartExists, add_part

Q = 480
BAR = 4 * Q
TUNE = [72, 74, 76, 77, 79, 77, 76, 74] * 2  # C major, two half notes a bar over 8 bars
TRIADS = [(60, 64, 67), (60, 65, 69), (59, 62, 67), (60, 64, 67)]


def band() -> Score:
    """8 bars: a tune in half notes (voice 0), a bass in half notes (voice 1), comping in half-note
    chords (voice 2), a kit with a kick and a snare a bar (voice 3)."""
    notes = [Note(p, i * 2 * Q, 2 * Q - 20, 90, 0) for i, p in enumerate(TUNE)]
    notes += [Note(36 + (7 if h else 0), b * BAR + h * 2 * Q, 2 * Q - 20, 80, 1) for b in range(8) for h in range(2)]
    notes += [Note(p, b * BAR + h * 2 * Q, 2 * Q - 20, 60, 2) for b in range(8) for h in range(2) for p in TRIADS[b % 4]]
    notes += [Note(k, b * BAR + beat * Q, 60, 90, 3) for b in range(8) for k, beat in ((36, 0), (38, 2))]
    return Score(notes=notes, voices=[Voice("Flute", 73), Voice("Bass", 33), Voice("Piano", 0),
                                      Voice("Drums", 0, is_drum=True)])


@pytest.mark.parametrize("part, voice", [("bass", 1), ("harmony", 2), ("drums", 3)])
@pytest.mark.parametrize("bars", [(7, 8), (8, 8)])
def test_a_part_playing_in_the_bars_asked_is_found(part, voice, bars):
    start, end = (bars[0] - 1) * BAR, bars[1] * BAR
    there = find_part_there(band(), part, start, end)
    assert there is not None and there.voice == voice, there
    with pytest.raises(PartExists):
        add_part(band(), part, start, end)


@pytest.mark.parametrize("part", ["bass", "harmony", "drums"])
def test_bars_where_it_does_not_play_are_free(part):
    score = band()
    score.notes = [n for n in score.notes if n.voice == 0 or n.onset < 6 * BAR]  # only the tune in bars 7-8
    assert find_part_there(score, part, 6 * BAR, 8 * BAR) is None
    request = add_part(score, part, 6 * BAR, 8 * BAR)  # no question: nothing of the kind plays there
    assert len(request.score.voices) == 5 and request.region.start == 6 * BAR



def test_the_bass_range_said_is_of_notes_it_plays():
    """Its 10th-90th percentile, interpolated, named notes the bass never plays: D2 D2 G2 G2 A2 in
    bars 7-8 read "D2-Ab2" (QA)."""
    score = band()
    score.notes = [n for n in score.notes if n.voice != 1 or n.onset < 6 * BAR]
    score.notes += [Note(p, 6 * BAR + i * Q * 8 // 5, Q, 80, 1) for i, p in enumerate([38, 38, 43, 43, 45])]
    there = find_part_there(score, "bass", 6 * BAR, 8 * BAR)
    assert (there.low, there.high) == (38, 45) and "D2-A2" in there.found_text(), there.found_text()

"""Notes per bar (Controls.density) on a continuation, with the shipped model.

A continuation starts where the last note ends; a written piece whose notes are played a little
short (0.9 of a beat) ends one tick before the bar line. The density rule kept every note in
that first, one-tick "bar" until it held its share, no onset there was on the part's grid, and
`composer continue --density N` wrote no note at all (any N, any meter)."""

from __future__ import annotations

import pytest

from composer.io import read_score, write_midi
from composer.music.meter import TICKS_PER_QUARTER as Q
from composer.music.region import Controls
from composer.music.score import Note, Score, TimeSignature, Voice
from composer.request import continue_request


def waltz(path) -> Score:
    """8 bars of 3/4: a melody in quarters (voice 0) over bass note + two triads (voice 1), each
    note 0.9 of a beat long, written to a MIDI file and read back."""
    chords = [(48, 52, 55), (45, 48, 52), (41, 45, 48), (43, 47, 50)] * 2
    tune = [72, 74, 76, 77, 76, 74, 72, 71, 69, 67, 69, 71]
    length = Q * 9 // 10
    notes = []
    for bar in range(8):
        for beat in range(3):
            onset = (bar * 3 + beat) * Q
            notes.append(Note(tune[(bar * 3 + beat) % len(tune)], onset, length, 90, voice=0))
            pitches = (chords[bar][0] - 12,) if beat == 0 else chords[bar]
            notes += [Note(p, onset, length, 70, voice=1) for p in pitches]
    score = Score(notes=notes, voices=[Voice(name="Right hand"), Voice(name="Left hand")],
                  time_signature=TimeSignature(3, 4))
    write_midi(score, path)
    return read_score(path)


@pytest.mark.parametrize("density", [3.0, 6.0])
def test_continue_writes_the_notes_per_bar_asked(cowriter, tmp_path, density):
    score = waltz(tmp_path / "waltz.mid")
    end = max(n.onset + n.duration for n in score.notes)
    bar = 3 * Q
    assert end % bar != 0  # the piece ends just before a bar line: the case that wrote nothing
    request = continue_request(score, bars=4, voices=(0,), seed=1, controls=Controls(density=density))
    new = [n for n in cowriter.generate(request)[0].notes if n.generated]
    assert new, f"density {density:g}: no note written"
    first = -(-end // bar)  # the first whole bar of the continuation
    per_bar = [sum(1 for n in new if n.onset // bar == b) for b in range(first, first + 4)]
    # At most round(density) a bar, at least one fewer (sampling.py's rule), in every bar.
    assert all(density - 1 <= k <= density for k in per_bar), per_bar

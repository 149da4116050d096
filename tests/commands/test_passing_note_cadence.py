"""One passing B flat in a C major tune that never sounds B natural turned the auto key lock to C
mixolydian, and a harmony part added under it played its cadences' V as G minor (QA qa35: 3 of 3
seeds). A passing note is no mode (composer.music.scales.FIT_MARGIN): the V is G major. The real
command; a tune written here (QA's: I I IV V / I IV V I, twice)."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Note, Score, Voice

Q, BAR = 480, 1920
DEGREES = [0, 2, 4, 5, 7, 9, 11]
LINES = [[0, 2, 4, 2], [4, 4, 2, 0], [3, 5, 3, 1], [4, 2, 1, -3], [0, 2, 4, 4], [5, 3, 5, 7], [4, 1, 2, 1],
         [0, 0, 0, 0]] * 2


def pop_tune() -> Score:
    notes = []
    for bar, line in enumerate(LINES):
        for beat, degree in enumerate(line):
            octave, step = divmod(degree, 7)
            pitch, onset = 60 + 12 * octave + DEGREES[step], bar * BAR + beat * Q
            if bar == 5 and beat == 3:  # C5 then a passing Bb4 on to the A of the next bar
                notes += [Note(pitch, onset, Q // 2, 90), Note(pitch - 2, onset + Q // 2, Q // 2, 90)]
            else:
                notes.append(Note(pitch, onset, Q, 90))
    return Score(notes=notes, voices=[Voice("Flute", 73)])


def test_a_passing_flat_seventh_leaves_the_cadences_dominant_major(tmp_path, one_thread):
    write_midi(pop_tune(), tmp_path / "pop.mid")
    for seed in (1, 2):
        out = tmp_path / f"h{seed}.mid"
        assert main(["accompany", str(tmp_path / "pop.mid"), "--part", "harmony", "--seed", str(seed),
                     "-o", str(out)]) == 0
        harmony = [n.pitch % 12 for n in read_score(out).notes if n.voice == 1]
        # the V of bars 4, 7, 12 and 15 (G B D, its B natural), and no Bb anywhere
        assert harmony.count(11) >= 4, harmony
        assert 10 not in harmony, harmony

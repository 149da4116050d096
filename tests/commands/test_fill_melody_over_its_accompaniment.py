"""A melody filled over the score's own accompaniment playing in the gap follows the chords that
accompaniment plays (region_writer: `melody_over`). A right hand refilled over its left hand's
broken chords, F then G7, had held E5 over the F and struck B4 on its downbeat: chord tones on 6
of 24 strong beats over six seeds (QA), where the piece's own melody has them on every one; now
18 of 24 (people's melodies over their chords: 74.5 %). The real command, the shipped model, the
piece written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Note, Score, Voice

Q, BAR = 480, 1920
NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
CHORDS = [{0, 4, 7}, {5, 9, 0}, {7, 11, 2, 5}, {0, 4, 7}]  # C | F | G7 | C


def _line(spec: str, voice: int) -> list[Note]:
    """'E5:1 D5:0.5 ...': note names with lengths in quarters."""
    notes, at = [], 0
    for token in spec.split():
        name, length = token.split(":")
        ticks = int(float(length) * Q)
        notes.append(Note(12 * (int(name[1:]) + 1) + NAMES[name[0]], at, ticks - 10, 80, voice))
        at += ticks
    return notes


def test_a_right_hand_filled_over_its_left_hand_keeps_to_the_left_hand_s_chords(tmp_path, one_thread):
    right = _line("E5:1 D5:1 C5:1 E5:1 F5:1.5 E5:0.5 D5:2 D5:1 E5:1 F5:1 D5:1 C5:4", 0)
    left = _line("C3:0.5 G3:0.5 E4:0.5 G3:0.5 C3:0.5 G3:0.5 E4:0.5 G3:0.5 F2:0.5 C3:0.5 A3:0.5 C3:0.5 F2:0.5 "
                 "C3:0.5 A3:0.5 C3:0.5 G2:0.5 D3:0.5 B3:0.5 D3:0.5 G2:0.5 D3:0.5 F3:0.5 D3:0.5 C3:0.5 G3:0.5 "
                 "E4:0.5 G3:0.5 C3:2", 1)
    write_midi(Score(notes=right + left, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)]), tmp_path / "p.mid")
    strong = on_chord = 0
    for seed in range(1, 7):
        out = tmp_path / f"f{seed}.mid"
        assert main(["fill", str(tmp_path / "p.mid"), "--bars", "2-3", "--voices", "Right Hand", "--seed", str(seed),
                     "-o", str(out)]) == 0
        for note in read_score(out).notes:
            if note.voice == 0 and BAR <= note.onset < 3 * BAR and note.onset % (2 * Q) == 0:
                strong += 1
                on_chord += note.pitch % 12 in CHORDS[note.onset // BAR]
    assert strong >= 20 and on_chord >= 0.65 * strong, (on_chord, strong)

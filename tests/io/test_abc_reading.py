"""ABC read as the ABC 2.1 standard means it (composer.io.abc_normalise before music21): each
kind on a tune this test writes, with the values a musician expects."""

from __future__ import annotations

import pytest

from composer.io import read_scores
from composer.io.abc_normalise import normalise_tune, parse_key
from composer.music.meter import MeterChange
from composer.music.scales import Key

Q = 480


def read(file_of, text: str):
    scores = read_scores(file_of(text.encode(), ".abc"))
    assert len(scores) == 1
    return scores[0]


def played(score) -> list[tuple[float, int]]:
    return [(n.onset / Q, n.pitch) for n in score.sorted_notes()]


def test_an_accidental_holds_to_the_end_of_its_bar(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C\n^F F G F|F4|\n")
    assert [p for _, p in played(score)] == [66, 66, 67, 66, 65]
    assert "carried accidentals" in score.features


def test_an_accidental_holds_in_every_octave_and_across_a_tie(file_of):
    # ABC 2.1 section 11.4: %%propagate-accidentals defaults to pitch (all octaves), as abc2midi plays
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C\n_B b B2-|B B4|\n")
    # b (an octave up) is flat too; the tied B flat carries into the next bar, then it is gone
    assert [n.pitch for n in score.sorted_notes()] == [70, 82, 70, 71]
    assert score.sorted_notes()[2].duration == 3 * Q  # the tie joined B2-|B
    octave = read(file_of, "X:1\nT:t\n%%propagate-accidentals octave\nM:4/4\nL:1/4\nK:C\n_B b B2|\n")
    assert [n.pitch for n in octave.sorted_notes()] == [70, 83, 70]


def test_a_tie_to_another_pitch_is_no_tie(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C\nD-E F2-|F4|\n")
    assert [(n.onset // Q, n.pitch, n.duration // Q) for n in score.sorted_notes()] == [
        (0, 62, 1), (1, 64, 1), (2, 65, 6)]


def test_key_line_accidentals_apply_to_every_octave(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C ^f _B\nF B c f|\n")
    assert [p for _, p in played(score)] == [66, 70, 72, 78]
    exp = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:D exp _b\nF B c f|\n")  # exp: only the listed ones
    assert [p for _, p in played(exp)] == [65, 70, 72, 77]


@pytest.mark.parametrize("key, expected", [
    ("G", {"F": 1}), ("Dmix", {"F": 1, "C": 0}), ("Dmix=c", {"F": 1}), ("Dmix^c", {"F": 1, "C": 1}), ("Ador", {"F": 1}), ("Ddor", {}), ("Bb", {"B": -1, "E": -1}),
    ("E minor", {"F": 1}), ("F#m", {"F": 1, "C": 1, "G": 1}), ("HP", {}), ("Hp", {"F": 1, "C": 1}),
])
def test_key_signatures_of_modes_and_pipes(key, expected):
    found = parse_key(key).accidentals
    assert {letter: found[letter] for letter in expected} == expected
    assert sum(1 for v in found.values() if v) == sum(1 for v in expected.values() if v)


def test_multi_bar_rests_take_their_time(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C\ncdef|Z4|fedc|Z|cdef|\n")
    onsets = [t for t, _ in played(score)]
    assert onsets[4] == 20 and onsets[8] == 28  # fedc on beat 20, the last cdef on beat 28
    invisible = read(file_of, "X:1\nT:t\nM:3/4\nL:1/4\nK:C\nc x d|x3|e3|\n")
    assert played(invisible) == [(0, 72), (2, 74), (6, 76)]


def test_no_meter_and_no_length_uses_the_default_eighth(file_of):
    score = read(file_of, "X:1\nT:t\nK:C\nCDEF GABc|\n")
    assert [t for t, _ in played(score)] == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]
    short = read(file_of, "X:1\nT:t\nM:2/4\nK:C\nCDEF GABc|\n")  # a meter below 3/4: sixteenths
    assert [t for t, _ in played(short)][-1] == 1.75


def test_inline_key_length_and_meter_fields(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/8\nK:G\nG2 AB c2 BA |[K:D] d2 c2 F2 A2 |[L:1/4] d c B A |[M:3/4] G F G |]\n")
    notes = played(score)
    assert notes[7:10] == [(5, 73), (6, 66), (7, 69)]  # bar 2 in D major: C#5, F#4
    assert [t for t, _ in notes[10:14]] == [8, 9, 10, 11]  # bar 3 in quarter notes
    assert score.meters == [MeterChange(0, 4, 4), MeterChange(12 * Q, 3, 4)]
    assert [(k.tick, k.key) for k in score.keys] == [(0, Key.parse("G major")), (4 * Q, Key.parse("D major"))]
    assert score.end == 15 * Q


def test_repeats_and_endings_are_played_as_performed(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C\n|: C D E F |1 G A B c :|2 c B A G |]\n")
    names = [p for _, p in played(score)]
    assert names == [60, 62, 64, 65, 67, 69, 71, 72, 60, 62, 64, 65, 72, 71, 69, 67]
    assert "repeats" in score.features


def test_three_endings_and_a_repeat_without_a_start(file_of):
    text = "X:1\nT:t\nM:2/4\nL:1/4\nK:C\nC D |1 E E :|2 F F :|3 G G |] A A :| B B |]\n"
    performed = [p for _, p in played(read(file_of, text))]
    C, D, E, F, G, A, B = 60, 62, 64, 65, 67, 69, 71
    assert performed == [C, D, E, E, C, D, F, F, C, D, G, G, A, A, A, A, B, B]


def test_a_pickup_starts_the_first_full_bar_on_a_bar_line(file_of):
    score = read(file_of, "X:1\nT:t\nM:3/4\nL:1/4\nK:C\nG | c2 e | d2 B | c2 |]\n")
    assert score.meters == [MeterChange(-2 * Q, 3, 4)]  # G is beat 3 of the bar before
    position, _ = score.meter_map().position_in_bar(__import__("numpy").array([0, Q]))
    assert position.tolist() == [2 * Q, 0]  # ... and the C5 after it a downbeat
    assert "pickup" in score.features


def test_a_repeated_part_with_a_pickup_keeps_its_bar_lines(file_of):
    score = read(file_of, "X:1\nT:t\nM:3/4\nL:1/4\nK:C\nG |: c2 e | d2 B | c2 G :|\n")
    onsets = [t for t, _ in played(score)]
    assert onsets == [0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18]
    positions, _ = score.meter_map().position_in_bar(__import__("numpy").array([o * Q for o in onsets]))
    assert [p // Q for p in positions.tolist()] == [2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2]


def test_annotations_and_decorations_do_not_cost_notes(file_of):
    score = read(file_of, 'X:1\nT:t\nM:4/4\nL:1/8\nK:D\n">"e2 dB Hd2 ~A2|"G"G8|]\n')
    assert [p for _, p in played(score)] == [76, 74, 71, 74, 69, 67]


def test_normaliser_reports_what_it_did():
    tune = normalise_tune("X:1\nT:t\nM:4/4\nL:1/4\nK:C\n|: C ^F F G :| Z2 |]\n")
    assert tune.notes == 8 and tune.ticks == 16 * Q
    assert {"repeats", "carried accidentals", "multi-bar rests"} <= tune.features


def test_bracket_endings_after_a_repeat_sign(file_of):
    score = read(file_of, "X:1\nT:t\nM:2/4\nL:1/4\nK:C\n|: C D |\\\n [1 E F :|\\\n [2 G A |]\n")
    assert [p for _, p in played(score)] == [60, 62, 64, 65, 60, 62, 67, 69]


def test_midi_transpose_octave_program_and_parts(file_of):
    text = ("X:1\nT:t\nM:2/4\nL:1/4\nP:ABA\n%%MIDI program 40\nK:C\n"
            "P:A\nC ^F |\nP:B\n%%MIDI transpose -12\nG A |\n")
    score = read(file_of, text)
    # A (C F#), B an octave down (G3 A3), then A again as written (a directive holds where it is written)
    assert [p for _, p in played(score)] == [60, 66, 55, 57, 60, 66]
    assert score.voices[0].program == 40 and {"parts", "transposed parts"} <= score.features
    octave = read(file_of, "X:1\nT:t\nM:2/4\nL:1/4\nK:C octave=-1\nc d|\n")
    assert [p for _, p in played(octave)] == [60, 62]


def test_a_last_ending_closed_with_a_repeat_sign_ends_the_section(file_of):
    # Common in collections: ":|2 ... :|" with no third ending is played twice, not three times
    score = read(file_of, "X:1\nT:t\nM:2/4\nL:1/4\nK:C\nC D |1 E E :|2 F F :| G A |]\n")
    assert [p for _, p in played(score)] == [60, 62, 64, 64, 60, 62, 65, 65, 67, 69]


def test_grace_notes_before_a_bar_line_lead_nowhere(file_of):
    score = read(file_of, "X:1\nT:t\nM:2/4\nL:1/8\nK:C\nC2 D2{EF}|{G}A4|]\n")
    assert [p for _, p in played(score)] == [60, 62, 67, 69]  # abc2midi plays {EF} not at all


def test_overlays_sound_together_where_written(file_of):
    score = read(file_of, "X:1\nT:t\nM:4/4\nL:1/4\nK:C\n|: C4 | C D E F & E F G A :| G4 |]\n")
    notes = played(score)
    assert [(t, p) for t, p in notes if 4 <= t < 8] == [(4, 60), (4, 64), (5, 62), (5, 65), (6, 64), (6, 67),
                                                       (7, 65), (7, 69)]
    assert [t for t, p in notes if p == 67 and t >= 16] == [16]  # the G after the repeat, on time
    assert len(score.voices) == 2 and "overlays" in score.features

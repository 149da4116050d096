"""Property (issue 10): every note of a generated file is either read, where and as it was
written, or the read lists a problem. ABC tunes with carried accidentals, repeats and key
signatures; MIDI files with illegal status bytes planted between events."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io import read_scores
from composer.io.midi_file import read_midi_report

from handmade_smf import event, note, smf, track

KEYS = {"C": {}, "G": {"F": 1}, "F": {"B": -1}, "D": {"F": 1, "C": 1}}
NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
ACCIDENTALS = {"": None, "^": 1, "_": -1, "=": 0}

abc_note = st.tuples(st.sampled_from("CDEFGAB"), st.sampled_from([4, 5]), st.sampled_from(list(ACCIDENTALS)))
# A bar of 4/4 in eighths: lengths 1, 2 or 4 filling 8.
bar_lengths = st.sampled_from([[2, 2, 2, 2], [1, 1, 2, 4], [4, 4], [2, 1, 1, 2, 2], [1, 1, 1, 1, 2, 2]])
abc_bar = bar_lengths.flatmap(lambda lengths: st.lists(abc_note, min_size=len(lengths), max_size=len(lengths))
                              .map(lambda notes: list(zip(notes, lengths))))


def abc_of(key: str, bars: list, repeat: bool) -> tuple[str, list[tuple[int, int]]]:
    """The tune text and, as the standard plays it, (onset in eighths, MIDI pitch) of each note."""
    written, played = [], []
    for bar in bars:
        carried: dict[str, int] = {}  # by letter: an accidental holds in every octave (ABC 2.1, 11.4)
        cells, sounding = [], []
        for (letter, octave, accidental), length in bar:
            name = letter if octave == 4 else letter.lower()
            cells.append(f"{accidental}{name}{length if length > 1 else ''}")
            if ACCIDENTALS[accidental] is not None:
                carried[letter] = ACCIDENTALS[accidental]
            shift = carried.get(letter, KEYS[key].get(letter, 0))
            sounding.append((12 * (octave + 1) + NATURAL[letter] + shift, length))
        written.append(" ".join(cells))
        played.append(sounding)
    body = " | ".join(written)
    performed = played * 2 if repeat else played
    notes, onset = [], 0
    for bar in performed:
        for pitch, length in bar:
            notes.append((onset, pitch))
            onset += length
    text = f"X:1\nT:generated\nM:4/4\nL:1/8\nK:{key}\n{'|: ' if repeat else ''}{body} {':|' if repeat else '|]'}\n"
    return text, notes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(list(KEYS)), bars=st.lists(abc_bar, min_size=1, max_size=4), repeat=st.booleans())
def test_every_abc_note_is_read_or_reported(file_of, key, bars, repeat):
    text, expected = abc_of(key, bars, repeat)
    [score] = read_scores(file_of(text.encode(), ".abc"))
    read = [(n.onset // 240, n.pitch) for n in score.sorted_notes()]
    assert read == sorted(expected) or score.problems, text


midi_note = st.tuples(st.integers(0, 960), st.integers(30, 100), st.integers(1, 960))
damage = st.sampled_from([b"", bytes([0xF4]), bytes([0xF5]), bytes([0xF9]), bytes([0xFD])])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(st.tuples(midi_note, damage), min_size=1, max_size=12))
def test_every_midi_note_is_read_or_reported(file_of, notes):
    body, expected, onset = b"", [], 0
    for (delta, pitch, length), planted in notes:
        body += note(delta, pitch, length)
        onset += delta
        expected.append((onset, pitch))
        onset += length
        if planted:
            body += event(0, planted[0])  # an illegal status byte, with a delta before it
    report = read_midi_report(file_of(smf(track(body))))
    read = sorted((n.onset, n.pitch) for n in report.score.notes)
    assert read == sorted(expected)
    assert bool(report.problems) == any(planted for _, planted in notes)

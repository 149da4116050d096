"""A part added under a tune that rests for a bar or two holds the chord of the bar before there:
nothing sounds that says the harmony moved. A harmony part under a blues sung in call and
response (phrases in bars 1-3, 5-7 and 9-11, the answer bars 4 and 8 empty) had played Dm7 then
Am in both answer bars, and the bass D and Bb, where a band holds C7 (QA qa36; seeds 1-2, the
harmony's chords right in 14 of 22 bars, the bass's roots 7 of 12; now 16 of 22 and 10 of 12).
The real command; the tunes written here."""

from __future__ import annotations

import numpy as np

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.model.priors import held_over_rests
from composer.music import Note, Score, Voice

Q, BAR = 480, 1920
C7 = {0, 4, 7, 10}


def call_and_response() -> Score:
    """A C blues sung in three phrases (C7, F7, G7 bars), each answered by a bar and a half of rest."""
    notes = []
    for bar, root in ((0, 60), (4, 65), (8, 67)):
        at = bar * BAR
        # a scoop to the third, up the blues scale and down, a long blue third to the root
        notes += [Note(root + 3, at, 110, 90), Note(root + 4, at + 120, 350, 90), Note(root + 7, at + 480, 470, 90),
                  Note(root + 10, at + 960, 470, 90), Note(root + 7, at + 1440, 470, 90),
                  Note(63 if bar != 8 else 68, at + BAR, 230, 90), Note(60 if bar != 8 else 65, at + BAR + 240, 1200, 90),
                  Note(70, at + 2 * BAR, 470, 90), Note(67, at + 2 * BAR + 480, 470, 90)]
    return Score(notes=notes, voices=[Voice("Voice", 53)])


def _bar_classes(path, voice: int, bar: int) -> set[int]:
    return {n.pitch % 12 for n in read_score(path).notes
            if n.voice == voice and bar * BAR <= n.onset < (bar + 1) * BAR}


def test_added_parts_hold_the_chord_over_the_answer_bars_of_a_blues(tmp_path, one_thread):
    write_midi(call_and_response(), tmp_path / "blues.mid")
    held = bars = roots = 0
    for seed in (1, 2):
        out = tmp_path / f"h{seed}.mid"
        assert main(["accompany", str(tmp_path / "blues.mid"), "--part", "harmony", "--seed", str(seed),
                     "-o", str(out)]) == 0
        for bar in (3, 7):  # the answer bars after the C7 phrases
            played = _bar_classes(out, 1, bar)
            bars += 1
            held += bool(played) and played <= C7
    assert held == bars, (held, bars)
    out = tmp_path / "b.mid"
    assert main(["accompany", str(tmp_path / "blues.mid"), "--part", "bass", "--seed", "1", "-o", str(out)]) == 0
    for bar in (3, 7):
        first = min((n.onset, n.pitch) for n in read_score(out).notes
                    if n.voice == 1 and bar * BAR <= n.onset < (bar + 1) * BAR)
        roots += first == (bar * BAR, first[1]) and first[1] % 12 == 0
    assert roots == 2


def test_a_chord_is_held_over_a_short_silence_only():
    """held_over_rests: C (bar 1) then two silent bars then F: C held to F; G (bar 5) then three
    silent bars then C: G kept to its bar (an interlude); a 3/4 bar's length is the 3/4 bar's."""
    rows = np.array([[0, BAR, 0, 0], [3 * BAR, BAR, 5, 0], [4 * BAR, BAR, 7, 0], [8 * BAR, BAR, 0, 0]])
    out = held_over_rests(rows, None)
    assert out[:, 1].tolist() == [3 * BAR, BAR, BAR, BAR]
    assert rows[0, 1] == BAR  # (a copy)
    three = np.array([[0, 4, 4], [BAR, 3, 4]])  # 4/4 then 3/4 from bar 2
    bar3 = 3 * Q
    rows = np.array([[0, BAR, 0, 0], [BAR, bar3, 5, 0], [BAR + 3 * bar3, bar3, 7, 0]])
    assert held_over_rests(rows, three)[:, 1].tolist() == [BAR, 3 * bar3, bar3]
    rows[2, 0] = BAR + 4 * bar3  # three silent 3/4 bars: not held
    assert held_over_rests(rows, three)[:, 1].tolist() == [BAR, bar3, bar3]

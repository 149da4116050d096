"""Add part > Drums and Add part > Bass on a piece that already has a drum groove and a bass line
(composer.music.second_part; scores written by the test, the shipped model).

Found by QA: Add part > Drums wrote "Drums 2" repeating the kit pattern there (kick, snare, hi-hat),
and Add part > Bass wrote "Bass 2" in the bass's register: each doubled the part there, without a
word. Now add_part refuses (PartExists, as for harmony: composer.music.harmony_part) naming the
part, and added anyway the part complements it: a second kit part plays hand percussion (shaker,
tambourine, congas on the GM drum map), none of the drummer's keys; a second bass plays an octave
above the bass, one note held a bar beside a bass that moves."""

from __future__ import annotations

from collections import Counter

import pytest

from composer.music import Note, Score, Voice
from composer.music.second_part import PERCUSSION, find_bass_part, find_drum_part
from composer.request import PartExists, add_part

Q = 480
BAR = 4 * Q
TUNE = [72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 74, 76, 72, 67, 72] * 2  # C major, G4-G5, 8 bars
ROOTS = [36, 41, 43, 36] * 2  # C2 F2 G2 C2, a bar each
KIT = (36, 38, 42)  # kick, snare, closed hi-hat


def band() -> Score:
    """A tune (voice 0), a bass on every beat, root and fifth (voice 1), a rock beat (voice 2)."""
    notes = [Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(TUNE)]
    notes += [Note(r + (7 if beat % 2 else 0), b * BAR + beat * Q, Q - 20, 80, 1)
              for b, r in enumerate(ROOTS) for beat in range(4)]
    for b in range(8):
        notes += [Note(42, b * BAR + e * Q // 2, 60, 70, 2) for e in range(8)]
        notes += [Note(36, b * BAR + beat * Q, 60, 90, 2) for beat in (0, 2)]
        notes += [Note(38, b * BAR + beat * Q, 60, 90, 2) for beat in (1, 3)]
    return Score(notes=notes, voices=[Voice("Flute", 73), Voice("Bass", 33), Voice("Drums", 0, is_drum=True)])


def test_the_drum_and_bass_parts_are_found():
    score = band()
    assert find_drum_part(score) == 2 and find_bass_part(score) == 1
    tune = Score(notes=[n for n in score.notes if n.voice == 0], voices=score.voices[:1])
    assert find_drum_part(tune) is None and find_bass_part(tune) is None


@pytest.mark.parametrize("part, name, what", [("drums", '"Drums"', "Tambourine"), ("bass", '"Bass"', "octave above")])
def test_add_part_says_the_piece_has_one(part, name, what):
    with pytest.raises(PartExists) as caught:
        add_part(band(), part)
    text = str(caught.value)
    assert name in text and "double" in text and "--anyway" in text and what in text, text
    assert f"another {'drum' if part == 'drums' else 'bass'} part would double it" in caught.value.question()
    assert add_part(band(), part, anyway=True).score.voices[-1].name == ("Drums 2" if part == "drums" else "Bass 2")


def test_drums_added_anyway_play_hand_percussion(cowriter):
    for variation in cowriter.generate(add_part(band(), "drums", anyway=True, variations=2, seed=3)):
        new = [n for n in variation.notes if n.generated]
        keys = Counter(n.pitch for n in new)
        assert len(new) >= 32, keys
        assert not set(keys) & set(KIT), keys  # none of the drummer's kick, snare, hi-hat
        assert set(keys) <= set(PERCUSSION), keys  # shaker, tambourine, congas ...
        assert len(keys) >= 3, keys  # a groove of several instruments, not one
        assert sum(1 for b in range(8) if any(n.onset // BAR == b for n in new)) == 8  # every bar


def test_a_bass_added_anyway_plays_an_octave_above_and_holds(cowriter):
    for variation in cowriter.generate(add_part(band(), "bass", anyway=True, variations=2, seed=3)):
        new = [n for n in variation.notes if n.generated]
        assert len(new) >= 6
        # The bass there plays C2-D3 (36-50): the new one an octave up, C3-D4, not in its register.
        assert all(48 <= n.pitch <= 62 for n in new), sorted(n.pitch for n in new)
        assert len({n.onset for n in new}) / 8 <= 1.5, sorted(n.onset for n in new)  # held, not every beat
        assert sum(n.onset % BAR == 0 for n in new) >= 0.75 * 8  # on the downbeats


def test_a_bass_on_one_note_leaves_the_second_an_octave_of_room():
    """A pedal bass (C2 only): the second bass gets C3-B3, not C3 alone (it could find no other root)."""
    from composer.music.second_part import bass_complement

    notes = [Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(TUNE)]
    notes += [Note(36, b * BAR + h * 2 * Q, 2 * Q - 20, 80, 1) for b in range(8) for h in range(2)]
    plan = bass_complement(Score(notes=notes, voices=[Voice("Flute", 73), Voice("Bass", 33)]), 1)
    assert (plan.lowest, plan.highest, plan.where, plan.held) == (48, 59, "above", True)

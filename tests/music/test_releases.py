"""The co-writer's notes let go as a player's do (composer.music.releases): a key comes up before
it is struck again, and a part that lets go of each chord before the next lets go of its new
chords so too (QA qa27 H3: a jazz left hand's whole-bar shells, continued with a chord on beat 3
too, were held through it, Bb1 and F2 struck again while they sounded: 28 such notes in 4
continuations)."""

from __future__ import annotations

from composer.music.releases import lets_go, released
from composer.music.score import Note

BAR = 1920


def shells(held: int) -> list[Note]:
    """8 bars of two-note chords on beats 1 and 3, each sounding `held` ticks, played a few ticks apart."""
    return [Note(p, b * BAR + half * 960 + k * 7, held, 60, 1)
            for b in range(8) for half in (0, 1) for k, p in enumerate((34, 41))]


def test_a_part_that_lets_go_of_its_chords_is_told_from_one_that_holds_them():
    assert lets_go(shells(900))
    assert lets_go(shells(960 + 40))  # (legato, a little into the next)
    assert not lets_go(shells(1900))  # held (pedalled) through the next chord
    assert not lets_go(shells(900)[:10])  # too few chords to say


def test_new_chords_let_go_where_the_part_s_next_chord_begins():
    context = shells(900)
    new = [Note(34, 8 * BAR, 1840, 60, 1, True), Note(41, 8 * BAR, 1840, 60, 1, True),
           Note(43, 8 * BAR + 960, 900, 60, 1, True), Note(38, 8 * BAR + 960, 900, 60, 1, True)]
    out = released(new, context)
    assert [n.duration for n in out] == [960, 960, 900, 900]
    assert [(n.pitch, n.onset, n.velocity, n.voice, n.generated) for n in out] == \
        [(n.pitch, n.onset, n.velocity, n.voice, n.generated) for n in new]


def test_a_held_part_keeps_its_lengths_but_lets_a_key_up_before_striking_it_again():
    context = shells(1900)
    new = [Note(34, 8 * BAR, 1840, 60, 1, True), Note(41, 8 * BAR, 1840, 60, 1, True),
           Note(34, 8 * BAR + 960, 900, 60, 1, True), Note(38, 8 * BAR + 960, 900, 60, 1, True)]
    assert [n.duration for n in released(new, context)] == [960, 1840, 900, 900]
    # the context's own next note counts too: a fill's last chord lets its key up for it
    assert released([Note(34, 7 * BAR - 960, 1900, 60, 1, True)], context)[0].duration == 960
    # another voice's key is another key; drum hits keep their lengths
    assert released([Note(34, 7 * BAR - 960, 1900, 60, 2, True)], context)[0].duration == 1900
    assert released(new, context, drums=frozenset({1})) == new

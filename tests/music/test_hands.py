"""A keyboard part played with both hands in one track is told apart into its right and left hand.

The pieces (tests/keyboard_music.py) are written as two hands whose notes are then put in one
voice, so the hand each note came from is known."""

from __future__ import annotations

from keyboard_music import BAR, Q, alberti, arpeggio, block_chords, in_one_track, tune, waltz

from composer.music import Note, Score, Voice
from composer.music.hands import HandsView, split_hands, two_handed_voices
from composer.music.meter import MeterChange
from composer.music.region import Region
from composer.music.score import Pedal


def agreement(score: Score, truth: list[bool]) -> float:
    return sum(a == b for a, b in zip(split_hands(score.notes), truth)) / len(truth)


def test_each_hand_of_common_keyboard_textures_is_found():
    for name, left in (("alberti", alberti()), ("block chords", block_chords()), ("arpeggio", arpeggio())):
        score, truth = in_one_track(tune(), left)
        # the arpeggio's top (D5 over G) is struck with the tune's own notes there: 3 of 80 to the tune
        assert agreement(score, truth) >= (0.95 if name == "arpeggio" else 1.0), name
    right, left = waltz()
    score, truth = in_one_track(right, left)
    # the oom-pah-pah's chords (G3-F#4) lie nearer the tune's register than its bass: the first
    # pass, started at the quartiles (both in the chords), gave the tune 2 of them
    assert agreement(score, truth) >= 0.99
    assert list(two_handed_voices(score)) == [0]


def test_a_tune_alone_or_a_part_with_a_role_is_one_voice():
    wide = Score(notes=[Note(48 + (i * 7) % 36, i * Q, Q) for i in range(32)], voices=[Voice("Piano", 0)])
    assert two_handed_voices(wide) == {}  # two octaves and more, but never two notes at once
    triads = Score(notes=[n.with_(pitch=n.pitch + 12) for n in block_chords()], voices=[Voice("Piano", 0)])
    assert two_handed_voices(triads) == {}  # comping in one register: one hand, however it splits
    score, _ = in_one_track(tune(), alberti())
    for voice in (Voice("Piano", 0, role="harmony"), Voice("Strings", 48), Voice("Kit", 0, is_drum=True)):
        assert two_handed_voices(Score(notes=score.notes, voices=[voice])) == {}, voice
    # a left hand whose bass rings under its chords, in a track of its own beside the right hand's
    right, left = waltz()
    held = [n.with_(duration=3 * Q - 10) if n.pitch < 48 else n for n in left]
    hands = Score(notes=[*right, *(n.with_(voice=1) for n in held)], voices=[Voice("RH", 0), Voice("LH", 0)])
    assert two_handed_voices(hands) == {}


def test_the_view_splits_the_part_and_merge_puts_notes_back():
    right, left = tune(), alberti()
    score, truth = in_one_track(right, left)
    bass = [Note(36, b * BAR, BAR, 70, 1) for b in range(8)]
    score = Score(notes=[*score.notes, *bass], voices=[Voice("Piano", 0), Voice("Bass", 33)],
                  meters=[MeterChange(0, 4, 4)], pedals=[Pedal(0, 0, BAR)])
    view = HandsView.of(score)
    assert view is not None and view.left_of == {0: 2}
    assert [v.name for v in view.score.voices] == ["Piano", "Bass", "Piano (LH)"]
    assert sorted(n.pitch for n in view.score.notes if n.voice == 2) == sorted(n.pitch for n in left)
    assert sorted(n.pitch for n in view.score.notes if n.voice == 0) == sorted(n.pitch for n in right)
    assert sorted((p.voice, p.onset) for p in view.score.pedals) == [(0, 0), (2, 0)]
    assert view.voices((0,)) == (0, 2) and view.voices((1,)) == (1,)
    back = view.merge(view.score.notes)
    assert sorted((n.voice, n.onset, n.pitch) for n in back) == sorted((n.voice, n.onset, n.pitch) for n in score.notes)


def test_a_part_whose_notes_are_all_rewritten_is_not_split():
    score, _ = in_one_track(tune(), alberti())
    everything = Region(0, 8 * BAR, (0,))
    context = score.copy(notes=[n for n in score.notes if not everything.contains(n.onset, n.voice)])
    assert HandsView.of(score, context) is None
    assert HandsView.of(score) is not None

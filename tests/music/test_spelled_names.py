"""Pitch names spelled in a key (composer.music.scales.spelled_name): black keys by the sharps or
flats of the key's signature (music21's), the tonic spelled as the simpler signature has it."""

from __future__ import annotations

import pytest

from composer.music.score import KeyChange
from composer.music.scales import Key, key_at, key_signature_sharps, spelled_name

BLACK = (61, 63, 66, 68, 70)


@pytest.mark.parametrize("key, sharps, names", [
    ("D major", 2, ["C#4", "D#4", "F#4", "G#4", "A#4"]),
    ("Bb major", -2, ["Db4", "Eb4", "Gb4", "Ab4", "Bb4"]),
    ("C# major", -5, ["Db4", "Eb4", "Gb4", "Ab4", "Bb4"]),  # pitch class 1 major: Db (5 flats), not C# (7 sharps)
    ("F# major", 6, ["C#4", "D#4", "F#4", "G#4", "A#4"]),  # a tie: the table's F#
    ("Eb minor", -6, ["Db4", "Eb4", "Gb4", "Ab4", "Bb4"]),  # a tie: the table's Eb
    ("E:lydian", 5, ["C#4", "D#4", "F#4", "G#4", "A#4"]),
    ("G:blues", -2, ["Db4", "Eb4", "Gb4", "Ab4", "Bb4"]),  # G minor's signature
    ("C major", 0, ["C#4", "Eb4", "F#4", "Ab4", "Bb4"]),  # no signature: note_name's names
])
def test_black_keys_follow_the_signature(key, sharps, names):
    assert key_signature_sharps(Key.parse(key)) == sharps
    assert [spelled_name(p, Key.parse(key)) for p in BLACK] == names
    assert spelled_name(60, Key.parse(key)) == "C4" and spelled_name(71, Key.parse(key)) == "B4"


def test_the_key_in_force():
    keys = [KeyChange(0, Key.parse("D major")), KeyChange(4 * 1920, Key.parse("Bb major"))]
    assert key_at(keys, 0) == Key.parse("D") and key_at(keys, 4 * 1920 - 1) == Key.parse("D")
    assert key_at(keys, 4 * 1920) == Key.parse("Bb") and key_at(keys, -100) == Key.parse("D")
    assert key_at([], 10) is None and spelled_name(61, None) == "C#4"

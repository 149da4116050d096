"""A minor key's raised sixth and seventh are named as the music writes them (composer.music.scales.
spelled_name): A minor's G# and F#, D minor's C#, G minor's F#.

Found by QA under Xvfb: a tune in A minor (ABC K:Am, ^g over E chords) showed its G#s on the
keyboard's 'Ab5' and 'Ab4' rows: a key without sharps or flats named black keys from the fixed
table (C#, Eb, F#, Ab, Bb), and one with flats named them all flats (D minor's leading tone 'Db',
G minor's 'Gb'), while harmonic and melodic minor raise those degrees with a sharp."""

from __future__ import annotations

import pytest

from composer.music.scales import Key, spelled_name


@pytest.mark.parametrize("key, pitch, name", [
    ("A minor", 68, "G#4"), ("A minor", 66, "F#4"), ("A:harmonic_minor", 80, "G#5"), ("A:melodic_minor", 66, "F#4"),
    ("D minor", 61, "C#4"), ("G minor", 66, "F#4"), ("G:harmonic_minor", 66, "F#4"),
    ("E minor", 63, "D#4"), ("B minor", 70, "A#4"),  # signatures with sharps: as before
])
def test_the_raised_degrees_of_a_minor_key_are_sharps(key, pitch, name):
    assert spelled_name(pitch, Key.parse(key)) == name


@pytest.mark.parametrize("key, pitch, name", [
    ("A minor", 70, "Bb4"), ("A minor", 63, "Eb4"),  # not raised degrees: the table's names, as before
    ("D minor", 70, "Bb4"), ("D minor", 68, "Ab4"), ("G minor", 63, "Eb4"), ("G minor", 61, "Db4"),
    ("C minor", 68, "Ab4"), ("F minor", 61, "Db4"),  # raised degrees on white keys (B, A; E, D): flats stay
    ("G:blues", 61, "Db4"), ("C major", 68, "Ab4"), ("F major", 66, "Gb4"),  # not minor: as before
])
def test_other_black_keys_keep_the_signature_names(key, pitch, name):
    assert spelled_name(pitch, Key.parse(key)) == name

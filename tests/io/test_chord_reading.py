"""Chord symbols read from files: ABC quoted chords and MusicXML <harmony>, through composer.io."""

from __future__ import annotations

from composer.io import read_score
from composer.music.chords import ChordSymbol

Q = 480


def test_abc_quoted_chords_become_the_chord_track(tmp_path):
    path = tmp_path / "tune.abc"
    path.write_text('X:1\nT:Chords\nM:4/4\nL:1/4\nK:C\n"C"CDEF|"Am7"ABcd|"F/A"c2"G7sus4"B2|]\n')
    score = read_score(path)
    assert score.chords == [ChordSymbol(0, 4 * Q, "C"), ChordSymbol(4 * Q, 4 * Q, "Am7"),
                            ChordSymbol(8 * Q, 2 * Q, "F/A"), ChordSymbol(10 * Q, 2 * Q, "G7sus4")]


def test_musicxml_harmony_with_flats_reads_in_lead_sheet_spelling(tmp_path):
    from music21 import harmony, meter, note, stream

    part = stream.Part([meter.TimeSignature("3/4")])
    for figure, pitch in (("B-m7", 58), ("E-7", 63)):
        part.append(harmony.ChordSymbol(figure))
        part.append(note.Note(pitch, quarterLength=3))
    path = tmp_path / "sheet.musicxml"
    stream.Score([part]).write("musicxml", fp=path)
    assert read_score(path).chords == [ChordSymbol(0, 3 * Q, "Bbm7"), ChordSymbol(3 * Q, 3 * Q, "Eb7")]

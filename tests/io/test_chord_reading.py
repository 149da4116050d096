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


def test_mxl_whose_container_names_its_file_unescaped_still_reads(tmp_path):
    """OpenEWLD's archives say full-path='Lulu's Back in Town.xml' (an apostrophe inside single
    quotes: not XML); the one score file in the archive is read instead of refusing the file."""
    import zipfile

    from music21 import harmony, note, stream

    part = stream.Part([harmony.ChordSymbol("C7"), note.Note(60, quarterLength=4)])
    xml = tmp_path / "inner.musicxml"
    stream.Score([part]).write("musicxml", fp=xml)
    path = tmp_path / "Lulu's Back in Town.mxl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("META-INF/container.xml", "<?xml version='1.0' encoding='UTF-8'?><container><rootfiles>"
                         "<rootfile full-path='Lulu's Back in Town.xml'/></rootfiles></container>")
        archive.writestr("Lulu's Back in Town.xml", xml.read_bytes())
    score = read_score(path)
    assert [n.pitch for n in score.notes] == [60] and score.chords == [ChordSymbol(0, 4 * Q, "C7")]


def test_musicxml_chords_are_written_out_with_the_repeats_as_the_notes_are(tmp_path):
    """|: D | A7 |1 Bm :|2 G |]: the chords as played are D A7 Bm D A7 G. They were read as
    written (D A7 Bm G): after the repeat the second ending's G sat over the repeat of bar 1, and
    the last two bars had none (QA; 41 % of one OpenEWLD song played on without chords)."""
    from music21 import bar, harmony, meter, note, spanner, stream

    part = stream.Part()
    measures = []
    for number, (figure, pitch) in enumerate((("D", 74), ("A7", 76), ("Bm", 71), ("G", 67)), start=1):
        m = stream.Measure(number=number)
        if number == 1:
            m.append(meter.TimeSignature("3/4"))
            m.leftBarline = bar.Repeat(direction="start")
        m.append(harmony.ChordSymbol(figure))
        m.append(note.Note(pitch, quarterLength=3))
        if number == 3:
            m.rightBarline = bar.Repeat(direction="end")
        measures.append(m)
        part.append(m)
    part.insert(0, spanner.RepeatBracket(measures[2], number=1))
    part.insert(0, spanner.RepeatBracket(measures[3], number=2))
    path = tmp_path / "repeat.musicxml"
    stream.Score([part]).write("musicxml", fp=path)
    score = read_score(path)
    assert [n.pitch for n in sorted(score.notes, key=lambda n: n.onset)] == [74, 76, 71, 74, 76, 67]
    assert [(c.onset // (3 * Q), c.figure) for c in score.chords] == \
        [(0, "D"), (1, "A7"), (2, "Bm"), (3, "D"), (4, "A7"), (5, "G")]

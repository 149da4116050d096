"""The data-set sources (Groove MIDI, WJazzD CSV, OpenEWLD) on small copies the tests write in each
set's layout, built into a real cache and loaded back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from composer.data import build_corpus, load_corpus
from composer.data.groove import GrooveSource, groove_style
from composer.data.openewld import OpenEwldSource
from composer.data.sources import FolderSource, source_from_spec
from composer.data.wjazzd import WjazzdSource, wjazzd_figure
from composer.music.chords import QUALITIES, root_and_quality

from tests.data.conftest import write_midi_file

GROOVE_HEADER = "drummer,session,id,style,bpm,beat_type,time_signature,midi_filename,audio_filename,duration,split\n"


def write_groove(root: Path) -> Path:
    """Three grooves in Groove's layout: rock (train, with TD-11 hi-hat edge notes 22/26), a rare
    style (reggae -> groove_other, test) and a 3-4 funk fill (validation); one row's file missing."""
    import pretty_midi

    rows = []
    for number, (style, bpm, meter, split, pitches) in enumerate((
            ("rock/groove1", 100, "4-4", "train", [36, 22, 38, 26, 36, 42]),
            ("reggae/groove2", 80, "4-4", "test", [36, 38, 42, 46]),
            ("funk/fill3", 120, "3-4", "validation", [38, 38, 36])), 1):
        relpath = f"drummer1/session1/{number}_{style.replace('/', '-')}_{bpm}_beat_{meter}.mid"
        midi = pretty_midi.PrettyMIDI(initial_tempo=bpm)
        kit = pretty_midi.Instrument(program=0, is_drum=True)
        for i, pitch in enumerate(pitches):
            kit.notes.append(pretty_midi.Note(velocity=90, pitch=pitch, start=i * 0.25, end=i * 0.25 + 0.05))
        midi.instruments.append(kit)
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        midi.write(str(root / relpath))
        rows.append(f"drummer1,drummer1/session1,drummer1/session1/{number},{style},{bpm},beat,{meter},{relpath},,2.0,{split}\n")
    rows.append("drummer2,drummer2/s,drummer2/s/1,rock/groove9,90,beat,4-4,drummer2/s/missing.mid,,1.0,train\n")
    (root / "info.csv").write_text(GROOVE_HEADER + "".join(rows))
    return root


MELODY_HEADER = "bar,beat,beatdur,denom,division,duration,num,onset,period,pitch,subtatum,tatum\n"
BEATS_HEADER = "bar,bass_pitch,beat,chord,chorus_id,form,onset,signature\n"


def write_wjazzd(root: Path) -> Path:
    """One solo in WJazzD's CSV layout whose tempo slows from 120 to 60 bpm in its second bar, so a
    fixed tempo would misplace its notes; and a melody without its beat grid (left out)."""
    (root / "csv_melody").mkdir(parents=True)
    (root / "csv_beats").mkdir()
    # Bar 0 at 0.5 s per beat (onsets 1.0-2.5 s), bar 1 at 1.0 s per beat (onsets 3.0-6.0 s).
    times = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0]
    chords = ["Bb-7", "", "Eb79b", "", "Abj7911#", "", "NC", ""]
    beats = [f"{i // 4},,{i % 4 + 1},{chord},0,,{t},{'4/4' if i == 0 else ''}\n" for i, (t, chord) in enumerate(zip(times, chords))]
    (root / "csv_beats/Someone_Tune_Solo.csv").write_text(BEATS_HEADER + "".join(beats))
    # (onset s, duration s, pitch): on beat 1, the "and" of beat 2, beat 1 of bar 1, the "and" of its beat 3
    notes = [(1.0, 0.25, 65), (1.75, 0.25, 63), (3.0, 1.0, 60), (5.5, 0.5, 62)]
    rows = [f"0,1,0.5,4,1,{d},4,{o},4,{p},0,1\n" for o, d, p in notes]
    (root / "csv_melody/Someone_Tune_Solo.csv").write_text(MELODY_HEADER + "".join(rows))
    (root / "csv_melody/Lonely_Solo.csv").write_text(MELODY_HEADER + "0,1,0.5,4,1,0.5,4,1.0,4,60,0,1\n")
    return root


def write_openewld(root: Path) -> Path:
    """Two lead sheets (compressed MusicXML with chord symbols, written by music21) and OpenEWLD.db
    giving one the genre Jazz (most releases) and the other Pop."""
    from music21 import harmony, meter, note, stream

    for relpath, pitches, figures in (("A_Writer/Tune_One/Tune_One.mxl", [60, 62, 64, 65], ["C", "Am7"]),
                                      ("B_Writer/Tune_Two/Tune_Two.mxl", [67, 65, 64, 62], ["G7sus4", "F/A"])):
        part = stream.Part()
        part.append(meter.TimeSignature("2/4"))
        for i, pitch in enumerate(pitches):
            if i % 2 == 0:
                part.append(harmony.ChordSymbol(figures[i // 2]))
            part.append(note.Note(pitch, quarterLength=1))
        score = stream.Score([part])
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        score.write("mxl", fp=root / relpath)
    with sqlite3.connect(root / "OpenEWLD.db") as db:
        db.execute("CREATE TABLE works (id INTEGER PRIMARY KEY, title STRING, first_performance_date DATE, "
                   "language STRING, path_lyrics STRING NOT NULL, path_leadsheet STRING NOT NULL)")
        db.execute("CREATE TABLE work_genres (id INTEGER, genre STRING NOT NULL, occurrences INTEGER, PRIMARY KEY (id, genre))")
        db.execute("INSERT INTO works VALUES (1, 'Tune One', NULL, 'English', '', 'dataset/A_Writer/Tune_One/Tune_One.mxl')")
        db.execute("INSERT INTO works VALUES (2, 'Tune Two', NULL, 'English', '', 'dataset/B_Writer/Tune_Two/Tune_Two.mxl')")
        db.executemany("INSERT INTO work_genres VALUES (?, ?, ?)", [(1, "Jazz", 5), (1, "Pop", 2), (2, "Pop", 3)])
    return root


def test_layouts_are_recognised_and_anything_else_is_a_folder_of_scores(tmp_path):
    assert isinstance(source_from_spec(write_groove(tmp_path / "g")), GrooveSource)
    assert isinstance(source_from_spec(write_wjazzd(tmp_path / "w")), WjazzdSource)
    assert isinstance(source_from_spec(write_openewld(tmp_path / "o")), OpenEwldSource)
    write_midi_file(tmp_path / "mine" / "a.mid", [60, 62])
    (tmp_path / "mine" / "info.csv").write_text("name,notes\nx,y\n")  # an info.csv of another kind
    assert isinstance(source_from_spec(tmp_path / "mine"), FolderSource)


def test_groove_styles_merge_the_rare_ones():
    assert groove_style("rock/groove1") == "groove_rock"
    assert groove_style("hiphop") == "groove_hiphop"
    assert groove_style("afrocuban/groove4") == "groove_afrocuban"
    assert groove_style("reggae/groove2") == "groove_other"
    assert groove_style("middleeastern/groove1") == "groove_other"


def test_wjazzd_labels_become_lead_sheet_figures():
    assert wjazzd_figure("Bb-7") == "Bbm7"
    assert wjazzd_figure("Ebj7911#") == "Ebmaj7"
    assert wjazzd_figure("C79b") == "C7"
    assert wjazzd_figure("Fsus7913") == "F7sus4"
    assert wjazzd_figure("Am7b5") == "Am7b5"
    assert wjazzd_figure("Eo7") == "Edim7"
    assert wjazzd_figure("C-/Bb") == "Cm/Bb"
    assert wjazzd_figure("NC") is None
    assert root_and_quality(wjazzd_figure("Bb-7")) == (10, QUALITIES.index("min7"))


def test_three_sets_build_into_one_corpus_with_styles_splits_and_chords(tmp_path):
    groove, wjazzd, openewld = write_groove(tmp_path / "groove"), write_wjazzd(tmp_path / "wjazzd"), write_openewld(tmp_path / "ewld")
    (groove / "drummer1/session1/3_funk-fill3_120_beat_3-4.mid").write_bytes(b"MThd broken")  # damaged
    report = build_corpus([groove, wjazzd, openewld], tmp_path / "cache", workers=1, progress=False)
    assert [name.split(":")[0] for name, _ in report.skipped] == ["groove"], report.skipped
    assert "3_funk-fill3" in report.skipped[0][0] and report.skipped[0][1]
    corpus = load_corpus(tmp_path / "cache")
    by_id = {piece.id.split("/")[-1]: piece for piece in corpus.pieces}

    rock = by_id["1_rock-groove1_100_beat_4-4.mid#0"]
    assert (rock.style, rock.split, rock.bpm, rock.time_signature) == ("groove_rock", "train", 100.0, (4, 4))
    assert sorted(rock.notes[:, 2].tolist()) == [36, 36, 38, 42, 42, 46]  # 22 -> 42, 26 -> 46
    assert rock.drum_voices == (0,) and len(rock.chords) == 0
    other = by_id["2_reggae-groove2_80_beat_4-4.mid#0"]
    assert (other.style, other.split) == ("groove_other", "test")

    solo = by_id["Someone_Tune_Solo.csv#0"]
    assert solo.style == "jazz" and "wjazzd:csv_melody/Lonely_Solo.csv" not in {p.source for p in corpus.pieces}
    # Through the beat grid: 1.75 s is beat 2.5 of bar 0, 5.5 s the "and" of beat 3 of bar 1
    # (a fixed 120 bpm would put it at tick 4320 instead of 2880 + 2.5 * 480).
    assert solo.notes[:, 0].tolist() == [0, 720, 1920, 3120]
    assert solo.notes[:, 1].tolist() == [240, 240, 480, 240]
    chords = solo.chords.tolist()
    assert chords == [[0, 960, 10, QUALITIES.index("min7")], [960, 960, 3, QUALITIES.index("dom7")],
                      [1920, 960, 8, QUALITIES.index("maj7")]]  # "NC" ends the last one

    one, two = by_id["Tune_One.mxl#0"], by_id["Tune_Two.mxl#0"]
    assert (one.style, two.style) == ("popular_song_jazz", "popular_song")
    assert (one.title, two.title) == ("Tune One", "Tune Two")  # from OpenEWLD.db
    assert one.chords.tolist() == [[0, 960, 0, QUALITIES.index("maj")], [960, 960, 9, QUALITIES.index("min7")]]
    assert two.chords[:, 2:].tolist() == [[7, QUALITIES.index("7sus4")], [5, QUALITIES.index("maj")]]
    assert set(corpus.styles) >= {"jazz", "popular_song", "popular_song_jazz", "groove_rock", "groove_other"}

    from composer.commands.data import info_lines

    info = "\n".join(info_lines(corpus))
    assert "Melodic styles" in info and "Groove styles" in info
    assert info.index("Jazz (WJazzD) [jazz]") < info.index("Groove styles") < info.index("Rock groove [groove_rock]")

    # A second build parses nothing; the data sets' own split survives the cache.
    again = build_corpus([groove, wjazzd, openewld], tmp_path / "cache", workers=1, progress=False)
    assert again.parsed == 0 and again.pieces == report.pieces


def test_unknown_chord_figures_raise_naming_the_figure():
    for figure in ("H7", "N.C.", "Cxyz"):
        with pytest.raises(ValueError, match=figure.replace(".", r"\.")):
            root_and_quality(figure)
    assert root_and_quality("F/A") == (5, 0)
    assert root_and_quality("Bbmaj7") == (10, QUALITIES.index("maj7"))
    assert root_and_quality("Bm7b5") == (11, QUALITIES.index("hdim7"))
    assert np.all(np.array([root_and_quality(f)[1] for f in ("C", "Cm", "C7", "Cdim7")]) == [0, 1, 8, 12])

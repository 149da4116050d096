"""QA (qa12 F18): a type-0 MIDI file (one track "Band groove" on channels 1, 2 and 10) gave
"Band groove (ch 1)", "(ch 2)", "(ch 10)", all cut to "Band groov" in the Voicing panel, and a
MusicXML grand-staff part gave two voices both "Piano". Now the channels of one track are named
by their General MIDI instrument (or "Drums"), first, and the staves "Piano (RH)"/"Piano (LH)";
each name can be given to --voices. Files written here with mido and by hand."""

from __future__ import annotations

import mido

from composer.io import read_score
from composer.request import voice_indices

SHOWN = 10  # characters the Voicing panel's name box shows at its narrowest (QA's "Band groov")


def _track(name: str, channels: list[tuple[int, int | None]]) -> mido.MidiTrack:
    """A track with a note on each (channel, program) (program None: no program change)."""
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
    for channel, program in channels:
        if program is not None:
            track.append(mido.Message("program_change", program=program, channel=channel, time=0))
    for channel, _ in channels:
        track += [mido.Message("note_on", note=40 + channel, velocity=80, channel=channel, time=0),
                  mido.Message("note_off", note=40 + channel, velocity=0, channel=channel, time=480)]
    return track


def _midi(path, fmt: int, *tracks: mido.MidiTrack):
    smf = mido.MidiFile(type=fmt, ticks_per_beat=480)
    smf.tracks.extend(tracks)
    smf.save(path)
    return path


def test_a_type_0_files_channels_are_named_by_instrument(tmp_path):
    path = _midi(tmp_path / "band.mid", 0, _track("Band groove", [(0, 4), (1, 33), (9, None)]))
    score = read_score(path)
    names = [v.name for v in score.voices]
    assert names == ["Electric Piano 1", "Electric Bass (finger)", "Drums"]
    assert score.title == "Band groove"
    assert len({name[:SHOWN] for name in names}) == 3  # they differ where the panel cuts them
    assert [voice_indices(score, name) for name in names] == [(0,), (1,), (2,)]


def test_a_track_of_several_channels_beside_others_keeps_its_name_after(tmp_path):
    path = _midi(tmp_path / "keys.mid", 1, _track("Keys", [(0, 0), (1, 0)]), _track("Bass", [(2, 32)]))
    score = read_score(path)
    assert [v.name for v in score.voices] == ["Acoustic Grand Piano (Keys) (ch 1)", "Acoustic Grand Piano (Keys) (ch 2)",
                                              "Bass"]
    assert voice_indices(score, "acoustic grand piano (keys) (ch 2)") == (1,)


def test_same_named_tracks_read_as_written(tmp_path):
    """Track names are the file's own: two tracks called "Piano" stay so (a file Composer wrote
    reads back with the names it had)."""
    path = _midi(tmp_path / "two.mid", 1, _track("Piano", [(0, 0)]), _track("Piano", [(1, 0)]))
    assert [v.name for v in read_score(path).voices] == ["Piano", "Piano"]


def grand_staff_xml(name: str = "Piano") -> str:
    """One part on two staves: a C major scale fragment over a bass C."""
    notes = "".join(f"<note><pitch><step>{step}</step><octave>5</octave></pitch><duration>1</duration>"
                    f"<voice>1</voice><type>quarter</type><staff>1</staff></note>" for step in "CDEF")
    bass = ("<backup><duration>4</duration></backup><note><pitch><step>C</step><octave>3</octave></pitch>"
            "<duration>4</duration><voice>5</voice><type>whole</type><staff>2</staff></note>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="3.1"><part-list>'
            f'<score-part id="P1"><part-name>{name}</part-name></score-part></part-list><part id="P1">'
            '<measure number="1"><attributes><divisions>1</divisions><key><fifths>0</fifths></key>'
            "<time><beats>4</beats><beat-type>4</beat-type></time><staves>2</staves>"
            '<clef number="1"><sign>G</sign><line>2</line></clef><clef number="2"><sign>F</sign><line>4</line></clef>'
            f"</attributes>{notes}{bass}</measure></part></score-partwise>\n")


def test_a_grand_staff_gives_right_and_left_hand(tmp_path):
    path = tmp_path / "grand.musicxml"
    path.write_text(grand_staff_xml())
    score = read_score(path)
    assert [v.name for v in score.voices] == ["Piano (RH)", "Piano (LH)"]
    assert sorted(n.pitch for n in score.notes if n.voice == 1) == [48]
    assert voice_indices(score, "Piano (LH)") == (1,) and voice_indices(score, "piano (rh)") == (0,)

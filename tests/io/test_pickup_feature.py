"""Every reader says when it read a pickup (score.features, which `composer data info` counts):
the ABC reader did, but a MusicXML measure marked implicit and a MIDI file's short first bar
(1/4 then 4/4) were read as pickups without a word, so the corpus count saw ABC pickups only
(QA). Real files the test writes; read with the real readers."""

from __future__ import annotations

import mido

from composer.io import read_score

Q = 480
PICKUP_XML = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1"><part-list><score-part id="P1"><part-name>Tune</part-name></score-part></part-list>
<part id="P1">
<measure number="0" implicit="yes"><attributes><divisions>1</divisions><time><beats>3</beats><beat-type>4</beat-type></time></attributes>
<note><pitch><step>G</step><octave>4</octave></pitch><duration>1</duration><type>quarter</type></note></measure>
<measure number="1"><note><pitch><step>C</step><octave>5</octave></pitch><duration>3</duration><type>half</type><dot/></note></measure>
</part></score-partwise>
"""
NO_PICKUP_XML = PICKUP_XML.replace(' implicit="yes"', "").replace(
    "<duration>1</duration><type>quarter</type>", "<duration>3</duration><type>half</type><dot/>")


def write_midi_file(path, pickup: bool) -> None:
    mid = mido.MidiFile(ticks_per_beat=Q)
    conductor = mido.MidiTrack()
    if pickup:
        conductor.append(mido.MetaMessage("time_signature", numerator=1, denominator=4, time=0))
        conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=Q))
    else:
        conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    mid.tracks.append(conductor)
    track = mido.MidiTrack()
    for pitch in (67, 72, 74, 76, 77):
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=Q))
    mid.tracks.append(track)
    mid.save(path)


def test_musicxml_and_midi_say_they_read_a_pickup(tmp_path):
    (tmp_path / "pickup.musicxml").write_text(PICKUP_XML)
    (tmp_path / "plain.musicxml").write_text(NO_PICKUP_XML)
    write_midi_file(tmp_path / "pickup.mid", pickup=True)
    write_midi_file(tmp_path / "plain.mid", pickup=False)
    for name in ("pickup.musicxml", "pickup.mid"):
        score = read_score(tmp_path / name)
        assert score.meters[0].tick < 0, name
        assert "pickup" in score.features, name
    for name in ("plain.musicxml", "plain.mid"):
        score = read_score(tmp_path / name)
        assert score.meters[0].tick == 0 and "pickup" not in score.features, name

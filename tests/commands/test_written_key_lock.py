"""The auto key lock keeps the written key signature where the notes fit it as well as the key
estimated from them: a few notes of C major (C E G C B G E D) read as E minor, and a fill in the
C major bars of a piece with a key signature of C was locked to E minor (an F# in 2 of 3
variations, F naturals forbidden; QA with `composer fill --bars 3-4` on a piece in C major, 4/4,
then E flat major, 3/4). Where the notes fit the estimate better (a file with a stray C major
signature over music in D major), the estimate still wins. Real CLI and shipped model for the
fill; MIDI files the test writes."""

from __future__ import annotations

import mido

from composer.cli import main
from composer.io import read_score
from composer.music.scales import Key
from composer.request import bar_span, continue_request, fill_request

Q = 480
C_MAJOR = Key.parse("C:major")
BARS_1_4 = [60, 64, 67, 72, 71, 67, 64, 62, 60, 62, 64, 65, 67, 65, 64, 62]  # C major, 4/4
BARS_5_8 = [63, 67, 70, 68, 67, 65, 63, 65, 67, 70, 68, 67]  # E flat major, 3/4
D_MAJOR_TUNE = [62, 66, 69, 74, 73, 69, 66, 64, 62, 64, 66, 67, 69, 71, 73, 74]


def write_tune(path, pitches, changes=()) -> None:
    """One melody in quarter notes; changes: (tick, key name, numerator) after the first 4/4 in C."""
    mid = mido.MidiFile(ticks_per_beat=Q)
    conductor = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
                                mido.MetaMessage("key_signature", key="C", time=0)])
    now = 0
    for tick, key, numerator in changes:
        conductor.append(mido.MetaMessage("time_signature", numerator=numerator, denominator=4, time=tick - now))
        conductor.append(mido.MetaMessage("key_signature", key=key, time=0))
        now = tick
    mid.tracks.append(conductor)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Melody", time=0)])
    for pitch in pitches:
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=Q))
    mid.tracks.append(track)
    mid.save(path)


def test_a_fill_in_the_c_major_bars_keeps_c_major(tmp_path, capsys):
    write_tune(tmp_path / "song.mid", BARS_1_4 + BARS_5_8, [(16 * Q, "Eb", 3)])
    score = read_score(tmp_path / "song.mid")
    request = fill_request(score, *bar_span(score, 3, 4))
    assert request.resolved_key().pitch_classes == C_MAJOR.pitch_classes  # was E minor (F#, no F)

    out = tmp_path / "out.mid"
    assert main(["fill", str(tmp_path / "song.mid"), "--bars", "3-4", "-o", str(out), "--variations", "3",
                 "--seed", "3"]) == 0
    for k in (1, 2, 3):
        new = [n for n in read_score(tmp_path / f"out-{k}.mid").notes if n.generated]
        assert new and all(n.pitch % 12 in C_MAJOR.pitch_classes for n in new), sorted({n.pitch for n in new})


def test_notes_that_fit_another_key_better_still_decide(tmp_path):
    write_tune(tmp_path / "d.mid", D_MAJOR_TUNE)  # a C major signature over a tune in D major
    score = read_score(tmp_path / "d.mid")
    assert str(score.keys[0].key) == "C:major"
    assert str(continue_request(score).resolved_key()) == "D:major"

"""write_midi: channels, what is written, errors, and the atomic replace."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import mido
import pytest

from composer.io import ScoreFileError, write_midi
from composer.io.midi_file import read_midi
from composer.music import Key, Note, Score, TempoChange, TimeSignature, Voice


def small_score(**changes) -> Score:
    score = Score(notes=[Note(60, 0, 480), Note(64, 480, 480, generated=True)], voices=[Voice("Piano")])
    for field, value in changes.items():
        setattr(score, field, value)
    return score


def test_channels_skip_the_drum_channel_and_wrap_past_fifteen_voices(tmp_path):
    voices = [Voice(f"V{i}", program=i, is_drum=i in (3, 20)) for i in range(22)]
    notes = [Note(40 + i, 0, 100, voice=i) for i in range(22)]
    path = tmp_path / "many.mid"
    write_midi(Score(notes=notes, voices=voices), path)
    channels = [{m.channel for m in t if not m.is_meta} for t in mido.MidiFile(str(path)).tracks[1:]]
    assert channels[3] == {9} and channels[20] == {9}
    melodic = [c.pop() for i, c in enumerate(channels) if i not in (3, 20)]
    assert 9 not in melodic
    assert melodic[:15] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15]
    assert melodic[15:] == [0, 1, 2, 3, 4]  # wrapped
    back = read_midi(path)  # shared channels still keep each track's own program
    assert [v.program for v in back.voices] == list(range(22))


def test_muted_and_empty_voices_still_get_their_tracks(tmp_path):
    score = Score(notes=[Note(60, 0, 480, voice=1)], voices=[Voice("Silent"), Voice("Muted", 5, mute=True)])
    path = tmp_path / "m.mid"
    write_midi(score, path)
    names = [m.name for t in mido.MidiFile(str(path)).tracks[1:] for m in t if m.type == "track_name"]
    assert names == ["Silent", "Muted"]
    back = read_midi(path)  # only voices that play notes come back as voices
    assert [(v.name, v.program) for v in back.voices] == [("Muted", 5)]


def test_overwrite_keeps_the_existing_permissions(tmp_path):
    path = tmp_path / "perm.mid"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    write_midi(small_score(), path)
    assert (path.stat().st_mode & 0o777, len(read_midi(path).notes)) == (0o640, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["perm.mid"]  # no temporary left behind


@pytest.mark.parametrize("score, message", [
    (small_score(tempos=[TempoChange(0, 0.0)]), "tempo 0.0 bpm cannot be stored"),
    (small_score(notes=[Note(60, 0, 10, voice=3)]), "voice 4, but the score has 1 voices"),
    (small_score(voices=[Voice("Bad", program=200)]), "cannot write this score as MIDI"),
])
def test_scores_midi_cannot_hold_are_clear_errors(tmp_path, score, message):
    path = tmp_path / "bad.mid"
    with pytest.raises(ScoreFileError, match=message):
        write_midi(score, path)
    assert not path.exists()


def test_a_meter_midi_cannot_hold_is_refused_when_the_score_is_made():
    # The meter map (composer.music.meter) refuses it at once, so no Score can carry it to a writer.
    with pytest.raises(ValueError, match="denominator 3 is not one of"):
        small_score(time_signature=TimeSignature(4, 3))


def test_only_generated_without_generated_notes_is_an_error(tmp_path):
    with pytest.raises(ScoreFileError, match="no generated notes"):
        write_midi(small_score(notes=[Note(60, 0, 10)]), tmp_path / "x.mid", only_generated=True)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ScoreFileError, match="does not exist"):
        write_midi(small_score(), tmp_path / "nowhere" / "x.mid")


def test_writing_onto_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "dir.mid").mkdir()
    with pytest.raises(ScoreFileError, match="cannot write it"):
        write_midi(small_score(), tmp_path / "dir.mid")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.mid"]


def test_a_write_that_fails_half_way_leaves_the_old_file_whole(tmp_path):
    """A real failed write: the child process may only write files of up to 2 kB (RLIMIT_FSIZE),
    so saving a large score fails part-way with EFBIG, as a full disk would."""
    path = tmp_path / "precious.mid"
    write_midi(small_score(), path)
    before = path.read_bytes()
    child = textwrap.dedent(f"""
        import resource, signal
        from composer.io import ScoreFileError, write_midi
        from composer.music import Note, Score
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # make the limit an OSError, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        big = Score(notes=[Note(40 + i % 40, i * 10, 10) for i in range(2000)])
        try:
            write_midi(big, {str(path)!r})
        except ScoreFileError as error:
            print("refused:", error)
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert "refused:" in result.stdout and "precious.mid" in result.stdout, result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.mid"]


def test_an_empty_score_writes_a_valid_file_that_reads_as_holding_no_notes(tmp_path):
    path = tmp_path / "empty.mid"
    write_midi(Score(key=Key(0)), path)
    assert mido.MidiFile(str(path)).tracks[0]
    with pytest.raises(ScoreFileError, match="holds no notes"):
        read_midi(path)


def test_gaps_longer_than_a_midi_delta_time_are_bridged(tmp_path):
    # 2**28 ticks is past the largest four-byte delta; mido would write a five-byte one that no
    # reader accepts (found by fuzzing: re-writing a damaged file lost its late notes)
    score = Score(notes=[Note(60, 0, 10), Note(62, 2**28 + 5, 10), Note(64, 2**29 + 100, 2**28 + 7)])
    path = tmp_path / "long.mid"
    write_midi(score, path)
    assert read_midi(path).sorted_notes() == score.sorted_notes()
    assert mido.MidiFile(str(path)).tracks[1]  # mido reads it too

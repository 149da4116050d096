"""The bad-file matrix for .mid: every damaged file gives a Score or a ScoreFileError naming the
file; never another exception, never a hang, and damage in one track never costs the others."""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io import ScoreFileError, read_score
from composer.io.midi_file import MAX_MIDI_BYTES, read_midi, read_midi_report
from handmade_smf import event, name, note, smf, tempo, track

pytestmark = pytest.mark.timeout(120)
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def three_track_file() -> bytes:
    return smf(track(name("Song"), tempo(0, 110)),
               track(name("Lead"), event(0, 0xC0, 73), *[note(60, 60 + i, 200, 70 + i) for i in range(8)]),
               track(name("Bass"), *[note(0, 36 + i, 480, channel=1) for i in range(6)]))


GOOD = three_track_file()


def read_or_error(path):
    """The contract: a Score, or a ScoreFileError that names the file."""
    try:
        return read_score(path)
    except ScoreFileError as error:
        assert str(path) in str(error) and error.path == path
        return None


@pytest.fixture(scope="module")
def good_notes(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.mid"
    path.write_bytes(GOOD)
    return {(n.pitch, n.onset, n.velocity) for n in read_midi(path).notes}


def test_every_prefix_of_a_valid_file_reads_or_fails_cleanly(file_of, good_notes):
    assert len(good_notes) == 14
    for cut in range(len(GOOD)):
        score = read_or_error(file_of(GOOD[:cut]))
        if score is not None:  # what survives is a true part of the file, never invented notes
            assert {(n.pitch, n.onset, n.velocity) for n in score.notes} <= good_notes
    # a cut in the last track keeps every note of the tracks before it
    cut_late = read_midi(file_of(GOOD[:len(GOOD) - 20]))
    assert {n.pitch for n in cut_late.notes} >= set(range(60, 68))


@quick
@given(blob=st.binary(max_size=400))
def test_random_bytes(file_of, blob):
    read_or_error(file_of(blob))


@quick
@given(blob=st.binary(max_size=400))
def test_random_bytes_behind_a_valid_header(file_of, blob):
    read_or_error(file_of(GOOD[:14] + blob))


@quick
@given(flips=st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=6))
def test_corrupted_bytes_in_a_valid_file(file_of, flips):
    data = bytearray(GOOD)
    for position, value in flips:
        data[position] = value
    read_or_error(file_of(bytes(data)))


def test_empty_file(file_of):
    with pytest.raises(ScoreFileError, match="empty"):
        read_midi(file_of(b""))


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.mid"
    with open(path, "wb") as handle:  # sparse: no disk is used
        handle.truncate(MAX_MIDI_BYTES + 1)
    with pytest.raises(ScoreFileError, match="up to 64 MB"):
        read_midi(path)


@pytest.mark.parametrize("claimed", [2**30, 2**32 - 1])
def test_huge_claimed_track_length_neither_allocates_nor_hangs(file_of, claimed):
    data = smf(track(note(0, 60, 480)), track(note(0, 64, 480), claimed=claimed))
    report = read_midi_report(file_of(data))
    assert sorted(n.pitch for n in report.score.notes) == [60, 64]
    assert any(f"claims {claimed} bytes" in p for p in report.problems)


def test_header_promising_more_tracks_than_present(file_of):
    report = read_midi_report(file_of(smf(track(note(0, 60, 480)), declared=65535)))
    assert len(report.score.notes) == 1
    assert any("promises 65535 tracks" in p for p in report.problems)


def test_not_a_midi_file(file_of):
    with pytest.raises(ScoreFileError, match="not a MIDI file"):
        read_midi(file_of(b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(100)))


def test_header_cut_short(file_of):
    with pytest.raises(ScoreFileError, match="header is cut short"):
        read_midi(file_of(b"MThd\x00\x00\x00\x06\x00\x01"))


def test_an_illegal_status_byte_loses_only_itself(file_of):
    # 0xF4 is undefined in a file: reading resynchronises at the next delta time (issue 10)
    damaged = track(note(0, 70, 100), event(0, 0xF4), note(0, 71, 100), event(0, 0xF5), note(0, 72, 100))
    data = smf(track(note(0, 60, 100)), damaged, track(note(0, 80, 100)))
    report = read_midi_report(file_of(data))
    assert sorted(n.pitch for n in report.score.notes) == [60, 70, 71, 72, 80]
    assert any("track 2" in p and "2 undefined status bytes" in p and "0xF4" in p for p in report.problems)


def test_track_length_too_short_resyncs_on_the_next_track(file_of):
    short = track(note(0, 70, 100), note(0, 71, 100))
    short = short[:4] + struct.pack(">L", 6) + short[8:]  # claims 6 bytes: stops mid-event
    data = smf(track(note(0, 60, 100)), short, track(note(0, 80, 100)))
    report = read_midi_report(file_of(data))
    assert {60, 80} <= {n.pitch for n in report.score.notes}
    assert report.problems


def test_track_length_too_long_does_not_swallow_the_next_track(file_of):
    long_track = track(note(0, 70, 100))
    next_track = track(note(0, 80, 100))
    long_track = long_track[:4] + struct.pack(">L", len(long_track) - 8 + len(next_track)) + long_track[8:]
    report = read_midi_report(file_of(smf(track(note(0, 60, 100)), long_track, next_track)))
    assert sorted(n.pitch for n in report.score.notes) == [60, 70, 80]


def test_data_bytes_without_status_end_the_track_cleanly(file_of):
    data = smf(track(event(0, 60, 100)), track(note(0, 64, 10)))
    report = read_midi_report(file_of(data))
    assert [n.pitch for n in report.score.notes] == [64]
    assert any("no status byte" in p for p in report.problems)


def test_a_file_whose_only_track_is_garbage_says_so(file_of):
    with pytest.raises(ScoreFileError, match="holds no notes.*track 1"):
        read_midi(file_of(smf(track(event(0, 0xF5, 1, 2)))))


def test_read_score_rejects_unknown_suffixes_and_missing_files(tmp_path, file_of):
    with pytest.raises(ScoreFileError, match="unsupported file type .wav"):
        read_score(file_of(b"x", ".wav"))
    with pytest.raises(ScoreFileError, match="no such file"):
        read_score(tmp_path / "missing.mid")


def test_header_with_a_wrong_length_still_finds_its_tracks(file_of):
    data = bytearray(smf(track(note(0, 60, 100))))
    data[4:8] = struct.pack(">L", 2**31)
    report = read_midi_report(file_of(bytes(data)))
    assert [n.pitch for n in report.score.notes] == [60]
    assert any("header claims" in p for p in report.problems)

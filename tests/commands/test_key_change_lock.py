"""The auto key lock follows a written key change (the real CLI and the shipped model, with a MIDI
file the test writes: a melody and a bass in G major, then a key signature of E flat major and
four bars in it). A region across the change (Add part, a fill) is written section by section,
each in its own key.

Found by QA: `composer continue` locked the new notes to the key of the whole piece's notes
(G major), so the continuation of the E flat major bars came out with B and F sharp naturals and
no B flat; a fill in the G major bars was locked to a mixture (Eb and F naturals)."""

from __future__ import annotations

import mido

from composer.cli import main
from composer.io import read_score
from composer.music.scales import Key
from composer.request import add_part, bar_span, continue_request, fill_request, key_sections

Q = 480
G_MAJOR = Key.parse("G:major")
EB_MAJOR = Key.parse("Eb:major")
# eight 4/4 bars in G major (melody; the bass on beats 1 and 3), then four in Eb major
G_TUNE = [71, 74, 72, 69, 67, 71, 74, 79, 78, 74, 76, 72, 71, 67, 69, 71] * 2
G_BASS = [43, 50, 48, 43, 50, 45, 43, 50, 43, 50, 48, 43, 50, 45, 43, 43]
EB_TUNE = [75, 70, 67, 70, 72, 70, 68, 67, 65, 67, 70, 75, 74, 72, 70, 75]
EB_BASS = [39, 46, 44, 39, 46, 41, 39, 39]


def write_song(path) -> None:
    mid = mido.MidiFile(ticks_per_beat=Q)
    conductor = mido.MidiTrack()
    mid.tracks.append(conductor)
    conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    conductor.append(mido.MetaMessage("key_signature", key="G", time=0))
    conductor.append(mido.MetaMessage("key_signature", key="Eb", time=8 * 4 * Q))
    for name, program, channel, notes, length in (("Melody", 73, 0, G_TUNE + EB_TUNE, Q),
                                                  ("Bass", 33, 1, G_BASS + EB_BASS, 2 * Q)):
        track = mido.MidiTrack()
        mid.tracks.append(track)
        track.append(mido.MetaMessage("track_name", name=name))
        track.append(mido.Message("program_change", channel=channel, program=program))
        for pitch in notes:
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=80, time=0))
            track.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=length))
    mid.save(path)


def test_the_auto_key_is_the_key_of_the_regions_section(tmp_path):
    write_song(tmp_path / "song.mid")
    score = read_score(tmp_path / "song.mid")
    assert [str(k.key) for k in score.keys] == ["G:major", "Eb:major"]
    assert continue_request(score, bars=2).resolved_key() == EB_MAJOR
    assert fill_request(score, *bar_span(score, 3, 4)).resolved_key() == G_MAJOR
    assert fill_request(score, *bar_span(score, 10, 11)).resolved_key() == EB_MAJOR


def test_one_written_key_still_estimates_from_the_whole_piece(tmp_path):
    write_song(tmp_path / "song.mid")
    score = read_score(tmp_path / "song.mid")
    score.keys = score.keys[:1]  # as if the E flat bars had no key signature of their own
    estimated = continue_request(score, bars=2).resolved_key()
    assert estimated != EB_MAJOR  # the G major bars are most of the piece


def test_a_continuation_after_a_key_change_keeps_the_new_key(tmp_path, capsys, one_thread):
    write_song(tmp_path / "song.mid")
    out = tmp_path / "out.mid"
    code = main(["continue", str(tmp_path / "song.mid"), "-o", str(out), "--bars", "2", "--seed", "1",
                 "--variations", "2"])
    assert code == 0, capsys.readouterr().err
    for number in (1, 2):
        new = [n for n in read_score(out.with_name(f"out-{number}.mid")).notes if n.generated]
        assert len(new) >= 4
        outside = sorted({n.pitch % 12 for n in new if not EB_MAJOR.contains(n.pitch)})
        assert not outside, f"pitch classes {outside} outside E flat major after the key change"


def test_a_part_added_across_the_key_change_is_in_each_sections_key(tmp_path, capsys, one_thread):
    """Add part over the whole piece: the G major bars in G major, the Eb major bars in Eb major
    (one lock for the whole span put B, F# and A naturals in the Eb bars)."""
    write_song(tmp_path / "song.mid")
    score = read_score(tmp_path / "song.mid")
    change = score.keys[1].tick
    assert key_sections(add_part(score, "counter"))[1][0] == change
    for part in ("bass", "counter"):
        out = tmp_path / f"{part}.mid"
        # (the song has a bass: a second is asked for anyway, tests/commands/test_drums_bass_part_exists.py)
        code = main(["accompany", str(tmp_path / "song.mid"), "--part", part, "-o", str(out), "--seed", "3",
                     "--variations", "2", *(["--anyway"] if part == "bass" else [])])
        assert code == 0, capsys.readouterr().err
        for number in (1, 2):
            new = [n for n in read_score(out.with_name(f"{part}-{number}.mid")).notes if n.generated]
            before = [n for n in new if n.onset < change]
            after = [n for n in new if n.onset >= change]
            assert len(before) >= 4 and len(after) >= 2, (part, len(before), len(after))
            assert all(G_MAJOR.contains(n.pitch) for n in before), (part, [n.pitch for n in before])
            assert all(EB_MAJOR.contains(n.pitch) for n in after), (part, [n.pitch for n in after])
            assert max(abs(n.velocity - 80) for n in new) <= 12  # the song's level on both sides


def test_only_bounded_pitched_regions_with_the_auto_key_are_cut(tmp_path):
    write_song(tmp_path / "song.mid")
    score = read_score(tmp_path / "song.mid")
    change = score.keys[1].tick
    assert len(key_sections(add_part(score, "bass", anyway=True))) == 2  # (beside the song's bass)
    assert len(key_sections(add_part(score, "bass", key="G:major", anyway=True))) == 1  # a key asked for holds throughout
    assert len(key_sections(add_part(score, "drums"))) == 1
    assert len(key_sections(continue_request(score, bars=2))) == 1
    assert key_sections(fill_request(score, change - 4 * Q, change + 4 * Q)) == [
        (change - 4 * Q, change), (change, change + 4 * Q)]


def test_sections_of_one_key_are_one_and_many_changes_are_one_pass(tmp_path):
    from composer.music.score import KeyChange

    write_song(tmp_path / "song.mid")
    score = read_score(tmp_path / "song.mid")
    g_only = score.copy(notes=[n for n in score.notes if n.onset < score.keys[1].tick])
    g_only.keys = [score.keys[0], KeyChange(4 * 4 * Q, Key.parse("D:major"))]  # a key signature the notes do not follow
    assert len(key_sections(add_part(g_only, "bass", anyway=True))) == 1  # both sections' notes are in G major
    every_bar = score.copy()
    every_bar.keys = [KeyChange(bar * 4 * Q, G_MAJOR if bar % 2 == 0 else EB_MAJOR) for bar in range(12)]
    assert len(key_sections(fill_request(every_bar, 0, 12 * 4 * Q))) == 1

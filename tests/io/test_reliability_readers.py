"""Nothing hangs, nothing explodes, one set of limits at every door (issue 11, kinds 2 and 4).

Each handed file of /work/shared/cases/reliability has a test here, on a file the test writes of
the same kind; the read times are measured in bench/reliability.py, not asserted here."""

from __future__ import annotations

from collections import Counter

import os
import signal
import stat
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from composer.io import ScoreFileError, music21_screens, read_score, safe_write
from composer.io.project_file import Project, load_project, save_project
from composer.music import limits
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, TempoChange, Voice
from handmade_smf import event, note, smf, tempo, track

pytestmark = pytest.mark.timeout(300)


@contextmanager
def no_hang(seconds: int = 20):
    """Fail (instead of blocking the suite) if the body does not return: for FIFOs and devices."""
    def expired(*_):
        raise AssertionError(f"still blocked after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def reopened(score: Score, tmp_path: Path) -> Score:
    """What the app holds it can save and reopen: save as a project and load it back."""
    path = tmp_path / "roundtrip.composer.json"
    save_project(Project(score), path)
    return load_project(path).score


# --- MusicXML: a key signature music21 would work on forever ---------------------------------

def musicxml(fifths: str, beats: int = 3) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="4.0"><part-list><score-part id="P1"><part-name>Seed</part-name></score-part></part-list>
<part id="P1"><measure number="1"><attributes><divisions>1</divisions>
<key><fifths>{fifths}</fifths><mode>minor</mode></key><time><beats>{beats}</beats><beat-type>4</beat-type></time></attributes>
<note><pitch><step>A</step><octave>4</octave></pitch><duration>3</duration></note></measure></part></score-partwise>
""".encode()


@pytest.mark.parametrize("fifths", ["99999999999", "-99999999999", "31", " 1000000 "])
def test_musicxml_with_an_absurd_key_signature_is_refused_at_once(file_of, fifths):
    path = file_of(musicxml(fifths), ".xml")
    with pytest.raises(ScoreFileError, match=rf"{path.name}: a key signature .*at most 30"):
        read_score(path)


def test_musicxml_with_real_keys_still_reads(file_of):
    for fifths in ("-7", "0", "7"):
        score = read_score(file_of(musicxml(fifths), ".xml"))
        assert [n.pitch for n in score.notes] == [69]


def test_compressed_musicxml_is_screened_for_keys_too(tmp_path):
    import zipfile

    path = tmp_path / "k.mxl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("META-INF/container.xml", '<container><rootfiles><rootfile full-path="s.xml"/></rootfiles></container>')
        archive.writestr("s.xml", musicxml("99999999999"))
    with pytest.raises(ScoreFileError, match="key signature"):
        read_score(path)


# --- ABC: a long reel is real music and must read, every note where it was -------------------

REEL_LINE = "d2fd Adfd|e2fg fe dBAF|G2BG FAdf|e2ce dBAF|\n"  # 4 bars, 30 notes, 34 eighths (bar 2 overfull)


def reel(lines: int) -> bytes:
    return ("X:1\nT:Reel\nM:4/4\nL:1/8\nK:D\n" + REEL_LINE * lines).encode()


def test_a_400_bar_reel_reads_with_every_note_in_place(file_of):
    score = read_score(file_of(reel(100), ".abc"))
    assert len(score.notes) == 3000
    assert score.end == 100 * 34 * Q // 2  # no note moved, however the bars are drawn
    assert score.notes[30].onset == 34 * Q // 2  # the second line starts after the overfull bar


def test_leaving_out_beams_and_rebarring_changes_no_note(file_of):
    """The same tune read with music21's notation steps and without (notes_only_parsing)."""
    path = file_of(reel(3), ".abc")
    fast = read_score(path)
    original = music21_screens.notes_only_parsing
    try:
        music21_screens.notes_only_parsing = __import__("contextlib").nullcontext
        slow = read_score(path)
    finally:
        music21_screens.notes_only_parsing = original
    assert fast.notes == slow.notes and fast.tempos == slow.tempos


def test_notes_only_parsing_restores_music21(file_of):
    from music21.abcFormat import translate
    from music21.stream import makeNotation

    before = (makeNotation.makeBeams, translate.reBar)
    read_score(file_of(reel(1), ".abc"))
    assert (makeNotation.makeBeams, translate.reBar) == before


# --- MIDI: thousands of tracks read linearly, voices bounded with a message -------------------

def many_tracks(count: int, programs: int = 128) -> bytes:
    return smf(*[track(event(0, 0xC0, i % programs), note(i % 4 * 120, 60 + i % 12, 120)) for i in range(count)])


def test_thousands_of_one_note_tracks_are_merged_by_instrument_with_a_message(file_of, tmp_path):
    score = read_score(file_of(many_tracks(3000)))
    assert len(score.notes) == 3000  # every note kept
    assert len(score.voices) == limits.MAX_VOICES  # (as many as Composer edits: merged no further)
    assert any("3000 voices were merged into 256" in p for p in score.problems)
    # each note keeps its instrument (track i: program i % 128, pitch 60 + i % 12)
    assert Counter((score.voices[n.voice].program, n.pitch) for n in score.notes) == \
        Counter((i % 128, 60 + i % 12) for i in range(3000))
    assert all(len([v for v in score.voices if v.program == p]) >= 2 for p in range(128))  # (merged evenly)
    assert reopened(score, tmp_path).notes == sorted(score.notes, key=lambda n: (n.onset, n.pitch, n.voice))


def test_300_voices_read_save_and_reopen(file_of, tmp_path):
    """The handed project-roundtrip-300-voices.mid: read fine, saved fine, could not be reopened."""
    score = read_score(file_of(many_tracks(300, programs=128)))
    again = reopened(score, tmp_path)
    assert len(again.voices) == len(score.voices) <= limits.MAX_VOICES
    assert len(again.notes) == 300


def test_a_tempo_of_1_200_000_bpm_is_clamped_with_a_message_and_reopens(file_of, tmp_path):
    score = read_score(file_of(smf(track(tempo(0, 1_200_000), note(0, 60, 480)))))
    assert score.tempos[0].bpm == limits.MAX_BPM
    assert any("1.2e+06 bpm" in p for p in score.problems)
    assert reopened(score, tmp_path).tempos == score.tempos


def test_voices_within_the_limit_are_left_alone(file_of):
    score = read_score(file_of(many_tracks(40)))
    assert len(score.voices) == 40 and not score.problems


# --- one set of limits: project save and load agree with the readers -------------------------

def test_the_loader_and_the_saver_share_the_readers_limits(tmp_path):
    assert limits.MAX_VOICES == __import__("composer.io.project_file", fromlist=["x"]).MAX_VOICES
    too_many = Score(notes=[Note(60, 0, Q)], voices=[Voice(f"v{i}") for i in range(limits.MAX_VOICES + 1)])
    with pytest.raises(ScoreFileError, match="cannot save a score with 257 voices"):
        save_project(Project(too_many), tmp_path / "x.composer.json")
    assert not (tmp_path / "x.composer.json").exists()
    fast = Score(notes=[Note(60, 0, Q)], tempos=[TempoChange(0, limits.MAX_BPM + 1)])
    with pytest.raises(ScoreFileError, match="bpm"):
        save_project(Project(fast), tmp_path / "y.composer.json")
    edge = Score(notes=[Note(60, limits.MAX_TICK - Q, Q)], tempos=[TempoChange(0, limits.MAX_BPM)],
                 voices=[Voice("v" * limits.MAX_VOICE_NAME) for _ in range(limits.MAX_VOICES)],
                 title="t" * limits.MAX_TITLE)
    assert reopened(edge, tmp_path).notes == edge.notes  # exactly at every limit: saves and reopens


def test_fit_score_drops_nothing_inside_the_limits_and_says_what_it_changed():
    score = Score(notes=[Note(60, 0, Q), Note(61, limits.MAX_TICK, Q)], title="x" * (limits.MAX_TITLE + 5))
    changed = limits.fit_score(score)
    assert [n.pitch for n in score.notes] == [60] and len(score.title) == limits.MAX_TITLE
    assert len(changed) == 2
    with pytest.raises(limits.LimitError):
        limits.fit_score(Score(notes=[Note(60, 0, Q)] * (limits.MAX_NOTES + 1)))


# --- files are opened as files --------------------------------------------------------------

def test_a_fifo_project_path_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.composer.json"
    os.mkfifo(fifo)
    with no_hang(), pytest.raises(ScoreFileError, match="pipe.composer.json.*pipe"):
        load_project(fifo)
    mid = tmp_path / "pipe.mid"
    os.mkfifo(mid)
    with no_hang(), pytest.raises(ScoreFileError, match="pipe"):
        read_score(mid)


def test_a_symlink_to_dev_zero_is_refused_not_read_until_memory_runs_out(tmp_path):
    for name in ("zero.composer.json", "zero.mid", "zero.abc"):
        link = tmp_path / name
        link.symlink_to("/dev/zero")
        with no_hang(), pytest.raises(ScoreFileError, match=f"{name}.*device"):
            (load_project if name.endswith(".json") else read_score)(link)


def test_folders_and_symlink_loops_get_their_own_messages(tmp_path):
    folder = tmp_path / "folder.composer.json"
    folder.mkdir()
    with pytest.raises(ScoreFileError, match="folder"):
        load_project(folder)
    loop = tmp_path / "loop.mid"
    loop.symlink_to(loop)
    with pytest.raises(ScoreFileError, match="loops back"):
        read_score(loop)


def test_a_symlink_planted_at_the_partial_name_is_not_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "song.composer.json"
    planted = tmp_path / ".song.composer.json.planted.part"
    planted.symlink_to(victim)
    monkeypatch.setattr(safe_write, "partial_path", lambda path: planted)  # as if the name were guessed
    with pytest.raises(ScoreFileError, match="cannot write"):
        save_project(Project(Score(notes=[Note(60, 0, Q)])), target)
    assert victim.read_text() == "precious" and not target.exists()
    monkeypatch.undo()
    names = {safe_write.partial_path(target).name for _ in range(20)}
    assert len(names) == 20  # unpredictable: a fresh random name each time


def test_wav_export_does_not_follow_a_symlink_planted_at_the_old_partial_name(tmp_path):
    from composer.audio import fluidsynth_available

    if not fluidsynth_available():
        pytest.skip("libfluidsynth is not installed")
    from composer.audio.render import render_wav

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".take.wav.part").symlink_to(victim)  # the name WAV export used to write through
    render_wav(Score(notes=[Note(69, 0, Q // 2, 100)]), tmp_path / "take.wav", tail_seconds=0.1)
    assert victim.read_text() == "precious"
    assert (tmp_path / "take.wav").read_bytes()[:4] == b"RIFF"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part") and not p.is_symlink()]


def test_concurrent_readers_do_not_see_each_others_music21_patch(file_of):
    """notes_only_parsing patches music21 under a lock; two threads reading ABC at once both work."""
    paths = [file_of(reel(2), ".abc") for _ in range(2)]
    results: list = []
    threads = [threading.Thread(target=lambda p=p: results.append(len(read_score(p).notes))) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == [60, 60]


def test_a_saved_project_has_no_partial_file_left_and_is_fsynced_mode(tmp_path):
    target = tmp_path / "s.composer.json"
    save_project(Project(Score(notes=[Note(60, 0, Q)])), target, private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["s.composer.json"]


def test_the_autosave_json_is_exactly_the_plain_json():
    """project_json sorts in runs and formats rows by hand (for the GIL); the text must be the same."""
    import json
    import random

    from composer.io.project_file import project_json, project_to_dict

    rng = random.Random(7)
    notes = [Note(rng.randint(0, 127), rng.choice([0, 5, limits.MAX_TICK - 99, rng.randint(0, 9000)]),
                  rng.randint(1, 99), rng.randint(1, 127), rng.randint(0, limits.MAX_VOICES - 1), rng.random() < 0.5)
             for _ in range(9000)]
    project = Project(Score(notes=notes, voices=[Voice()] * limits.MAX_VOICES, title='quote " and \\ é'), {"t": 0.5})
    assert project_json(project) == json.dumps(project_to_dict(project), separators=(",", ":"), allow_nan=False)

"""A render is bounded (issue 10): a note 16 days after the others renders in seconds to a short
file that says what was shortened; a render over the limit or the free disk is refused before it
starts; a render stopped by a signal leaves no file behind. Real FluidSynth, real files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave

import mido
import pytest

from composer.audio import AudioError, render_wav
from composer.audio.render_limits import RenderRefused, check_render, shorten_silences
from composer.cli import main
from composer.io import read_score
from composer.music import Note, Score, TempoChange
from composer.music.meter import MeterChange

LARGEST_DELTA = 0x0FFFFFFF  # the largest delta time a MIDI file can hold


def write_stray_note_midi(path, gap_ticks: int = LARGEST_DELTA) -> None:
    """Four quarter notes at 120 bpm, then one note `gap_ticks` later (~16 days at 96 ppq)."""
    track = mido.MidiTrack()
    for pitch in (60, 62, 64, 65):
        track.append(mido.Message("note_on", note=pitch, velocity=90, time=0))
        track.append(mido.Message("note_off", note=pitch, time=96))
    track.append(mido.Message("note_on", note=72, velocity=90, time=gap_ticks))
    track.append(mido.Message("note_off", note=72, time=96))
    midi = mido.MidiFile(ticks_per_beat=96)
    midi.tracks.append(track)
    midi.save(path)


def test_shorten_silences_moves_everything_after_a_long_gap():
    score = Score(notes=[Note(60, 0, 480), Note(64, 480 * 1000, 480)],
                  tempos=[TempoChange(0, 120.0), TempoChange(480 * 500, 60.0), TempoChange(480 * 1000, 90.0)],
                  meters=[MeterChange(0, 4, 4), MeterChange(480 * 1000, 3, 4)])
    short, cuts = shorten_silences(score, max_seconds=10.0)
    assert len(cuts) == 1 and cuts[0].at_seconds == pytest.approx(0.5)
    last = max(short.notes, key=lambda n: n.onset)
    assert short.seconds_at(last.onset) - short.seconds_at(480) == pytest.approx(10.0, abs=0.01)
    assert short.tempos[-1].bpm == 90.0 and short.tempos[-1].tick == last.onset  # the change moved with the note
    assert short.meters[-1] == MeterChange(last.onset, 3, 4)
    assert score.notes[1].onset == 480 * 1000  # the score itself is unchanged
    assert shorten_silences(Score(notes=[Note(60, 0, 480), Note(62, 960, 480)]))[1] == []


def test_the_16_day_file_renders_in_seconds_to_a_bounded_file(tmp_path, soundfont, capsys):
    source, target = tmp_path / "stray.mid", tmp_path / "stray.wav"
    write_stray_note_midi(source)
    score = read_score(source)
    assert score.seconds_at(max(n.onset for n in score.notes)) > 15 * 86400  # the gap is really there
    assert main(["render", str(source), "-o", str(target), "--soundfont", str(soundfont)]) == 0
    captured = capsys.readouterr()
    assert "shortened 1 silent stretch to 10 s" in captured.err and "days of silence left out" in captured.err
    with wave.open(str(target), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2 + 10 <= seconds <= 2 + 10 + 0.5 + 3.5  # the music, 10 s of silence, the last note and its tail
    assert target.stat().st_size < 5_000_000


def test_over_the_limit_or_the_disk_is_refused_before_anything_is_written(tmp_path, soundfont):
    source, target = tmp_path / "stray.mid", tmp_path / "long.wav"
    write_stray_note_midi(source)
    with pytest.raises(RenderRefused, match="more than the"):
        render_wav(read_score(source), target, soundfont=soundfont, max_silence=None)
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["stray.mid"]
    with pytest.raises(RenderRefused, match="MB free"):  # 10 years of audio: no disk holds it
        check_render(10 * 365 * 86400.0, target, 44100, max_seconds=float("inf"))
    assert issubclass(RenderRefused, AudioError)


def test_a_render_stopped_by_a_signal_leaves_no_file(tmp_path, soundfont):
    source, target = tmp_path / "long.mid", tmp_path / "long.wav"
    write_stray_note_midi(source, gap_ticks=96 * 2 * 60 * 40)  # 40 minutes of silence at 120 bpm
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "composer", "render", str(source), "-o", str(target),
                                "--soundfont", str(soundfont), "--max-silence", "0", "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not rendering(process.pid):
        time.sleep(0.1)
    time.sleep(0.5)
    assert process.poll() is None, "the render ended before it could be stopped"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err  # 143, as a shell reports a SIGTERM (130 is Ctrl+C's)
    assert "no file written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.mid"]  # no WAV, no partial


def rendering(pid: int) -> bool:
    """The render has begun: the process holds its unnamed temporary file of raw samples (Linux /proc)."""
    folder = f"/proc/{pid}/fd"
    try:
        links = [os.readlink(os.path.join(folder, fd)) for fd in os.listdir(folder)]
    except OSError:
        return False
    return any("(deleted)" in link for link in links)

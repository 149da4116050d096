"""The transport on an offline engine: the same Player and sequencer as live playback, with
time advanced sample by sample through render(), so every check is exact and repeatable."""

from __future__ import annotations

import numpy as np
import pytest
from audio_helpers import RATE, listen, melody
from sound_analysis import detect_onsets, dominant_frequency, midi_of, mono, rms, segment

from composer.audio import PlayState
from composer.music.score import Note, Score, TimeSignature, Voice

TOLERANCE_S = 0.010
SCALE = [60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79]  # one note per 0.5 s at 120 bpm
XYLOPHONE = 13  # sharp attack, quick decay: clean onsets even at fast tempi


def onsets_of(audio) -> list[float]:
    return detect_onsets(mono(audio), RATE)


def assert_times(found: list[float], expected: list[float]) -> None:
    assert len(found) == len(expected), f"heard {[round(t, 3) for t in found]}, expected {expected}"
    for got, want in zip(found, expected):
        assert abs(got - want) <= TOLERANCE_S, f"heard {got:.4f}s, expected {want:.4f}s"


def pitch_at(x, start_s: float) -> float:
    return midi_of(dominant_frequency(segment(x, RATE, start_s + 0.02, start_s + 0.2), RATE))


def test_stop_leaves_silence_and_nothing_hangs(offline):
    # Long held string notes with the sustain pedal down: the hardest case for hanging notes.
    score = Score(notes=[Note(p, 0, 480 * 16, 100) for p in (60, 64, 67)], voices=[Voice("s", 48)])
    engine = offline(score)
    engine.play()
    engine._host.synth.cc(0, 64, 127)  # pedal down, as a MIDI file might leave it
    before = mono(listen(engine, 1.0))
    engine.stop()
    after = mono(listen(engine, 2.0))
    assert rms(before[RATE // 2:]) > 0.02
    assert rms(after[-RATE // 2:]) < 1e-4  # release and reverb tail gone: silence
    assert engine.state is PlayState.STOPPED
    assert onsets_of(listen(engine, 3.0)) == []  # nothing was left scheduled either


def test_playback_ends_by_itself_and_reports_stopped(offline):
    engine = offline(melody([60, 64, 67]))
    engine.play()
    assert engine.state is PlayState.PLAYING
    listen(engine, 1.8)
    assert engine.state is PlayState.STOPPED
    assert engine.position() == 480 * 2 + 240  # the end of the last note


def test_start_anywhere_plays_from_there(offline):
    engine = offline(melody(SCALE[:6], program=XYLOPHONE))
    engine.play(start_tick=480 * 3 + 120)  # inside note 3: the next onset is 0.5-0.125 s away
    x = mono(listen(engine, 1.5))
    assert_times(detect_onsets(x, RATE), [0.375, 0.875])
    assert abs(pitch_at(x, 0.375) - SCALE[4]) < 0.3


def test_selection_stops_at_its_end(offline):
    engine = offline(melody(SCALE[:8], program=XYLOPHONE))
    engine.play(start_tick=480, end_tick=480 * 3)
    x = mono(listen(engine, 2.5))
    assert_times(detect_onsets(x, RATE), [0.0, 0.5])
    assert engine.state is PlayState.STOPPED


def test_loop_repeats_the_region(offline):
    engine = offline(melody([60, 67, 64, 72]))
    engine.play(loop=(0, 480 * 2))  # the first two notes, 1 s, over and over
    positions = []
    audio = []
    for _ in range(11):
        audio.append(listen(engine, 0.3))
        positions.append(engine.position())
    x = mono(np.concatenate(audio))
    assert_times(detect_onsets(x, RATE), [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    assert [round(pitch_at(x, t)) for t in (0.0, 0.5, 1.0, 1.5, 3.0)] == [60, 67, 60, 67, 60]
    # 0.3 s = 288 ticks at 120 bpm; the playhead wraps at 960
    offsets = [(p - 288 * (i + 1)) % 960 for i, p in enumerate(positions)]
    assert all(min(d, 960 - d) <= 2 for d in offsets), positions
    engine.set_loop(None)  # looping off: plays on through the rest of the score
    rest = mono(listen(engine, 2.5))
    later = detect_onsets(rest, RATE, silent_before=False)
    assert [round(pitch_at(rest, t)) for t in later][-2:] == [64, 72]


def test_tempo_change_while_playing_moves_later_onsets(offline):
    engine = offline(melody(SCALE, program=XYLOPHONE))
    engine.play()
    first = listen(engine, 1.2)  # notes at 0, 0.5, 1.0
    engine.set_tempo_factor(2.0)  # now a quarter note lasts 0.25 s
    second = listen(engine, 1.2)
    x = mono(np.concatenate([first, second]))
    # From 1.2 s (tick 1152) the next note (tick 1440) is 288 ticks = 0.15 s away at double speed.
    assert_times(detect_onsets(x, RATE), [0.0, 0.5, 1.0, 1.35, 1.6, 1.85, 2.1, 2.35])
    assert engine.tempo_factor() == 2.0
    with pytest.raises(ValueError):
        engine.set_tempo_factor(0.0)


def test_tempo_change_keeps_held_notes_ending(offline):
    # A note held across the change still gets its note-off (re-sent at the new tempo).
    score = Score(notes=[Note(72, 0, 480 * 4, 100)], voices=[Voice("organ", 19)])
    engine = offline(score)
    engine.play()
    listen(engine, 0.5)
    engine.set_tempo_factor(4.0)  # the remaining 3 beats now take 0.375 s
    x = mono(listen(engine, 1.5))
    assert rms(segment(x, RATE, 0.1, 0.3)) > 0.01
    assert rms(segment(x, RATE, 1.0, 1.5)) < 1e-3


def test_pause_and_resume_continue_where_it_was(offline):
    engine = offline(melody(SCALE[:6], program=XYLOPHONE))
    engine.play()
    listen(engine, 0.75)
    engine.pause()
    assert engine.state is PlayState.PAUSED
    paused_at = engine.position()
    assert abs(paused_at - 720) <= 12
    silent = mono(listen(engine, 1.0))
    assert detect_onsets(silent, RATE, silent_before=False) == [] and rms(silent[-RATE // 4:]) < 1e-3
    engine.resume()
    x = mono(listen(engine, 1.0))
    assert_times(detect_onsets(x, RATE), [0.25, 0.75])  # notes at 1.0 s and 1.5 s of the score
    assert abs(pitch_at(x, 0.25) - SCALE[2]) < 0.3


def test_seek_while_playing_jumps(offline):
    engine = offline(melody(SCALE, program=XYLOPHONE))
    engine.play()
    listen(engine, 0.3)
    engine.seek(480 * 8)
    x = mono(listen(engine, 0.8))
    assert_times(detect_onsets(x, RATE), [0.0, 0.5])
    assert abs(pitch_at(x, 0.0) - SCALE[8]) < 0.3


def test_playhead_follows_the_sample_clock(offline):
    engine = offline(melody(SCALE, program=XYLOPHONE))
    engine.play()
    for seconds in (0.25, 0.5, 1.0):
        listen(engine, 0.25 if seconds == 0.25 else seconds / 2)
    # 1.0 s of audio at 120 bpm = 960 ticks (an offline engine has no output latency)
    assert abs(engine.position() - 960) <= 2


def test_metronome_clicks_on_every_beat_with_an_accent(offline):
    score = Score(notes=[], voices=[Voice("v", 0)], time_signature=TimeSignature(3, 4))
    engine = offline(score)
    engine.set_metronome(True)
    engine.play(open_end=True)  # recording: click on past the (empty) score until stopped
    clicking = listen(engine, 3.2)
    engine.set_metronome(False)  # takes effect at once, inside the scheduled window too
    x = mono(np.concatenate([clicking, listen(engine, 1.5)]))
    onsets = detect_onsets(x, RATE)
    assert_times(onsets, [0.5 * i for i in range(7)])  # and none after 3.2 s
    peaks = [abs(segment(x, RATE, t, t + 0.03)).max() for t in onsets]
    assert peaks[0] > 1.2 * peaks[1] and peaks[3] > 1.2 * peaks[2]  # bar starts are accented


def test_editing_the_score_while_playing_takes_effect(offline):
    score = melody([60] * 8)
    engine = offline(score)
    engine.play()
    listen(engine, 0.7)
    engine.load(score.copy(notes=[n.with_(pitch=67) for n in score.notes]))
    x = mono(listen(engine, 1.0))
    assert_times(detect_onsets(x, RATE, silent_before=False), [0.3, 0.8])
    assert abs(pitch_at(x, 0.3) - 67) < 0.3


def test_muting_a_voice_while_playing_silences_it_at_once(offline):
    score = Score(notes=[Note(67, 0, 480 * 8, 100)], voices=[Voice("organ", 19)])
    engine = offline(score)
    engine.play()
    loud = rms(mono(listen(engine, 0.5)))
    engine.set_voices([Voice("organ", 19, mute=True)])
    quiet = rms(mono(listen(engine, 1.0))[RATE // 2:])  # after the reverb tail
    assert quiet < 0.01 * loud


def test_changing_the_voicing_keeps_the_meter_map_the_metronome_follows(offline):
    from composer.music.meter import MeterChange, pickup_meter

    meters = [pickup_meter(4, 4, 480), MeterChange(480 + 2 * 1920, 3, 4)]
    engine = offline(Score(notes=[Note(67, 0, 480)], voices=[Voice("organ", 19)], meters=meters))
    engine.play()
    engine.set_voices([Voice("organ", 19, mute=True)])
    assert engine._player.score.meters == meters  # the score the player schedules clicks from


def test_live_notes_sound_immediately_on_the_voices_program(offline):
    engine = offline(Score(voices=[Voice("piano", 0), Voice("flute", 73)]))
    assert engine.note_on(1, 74, 100)
    x = mono(listen(engine, 0.3))
    first = next(i for i, v in enumerate(abs(x)) if v > 1e-3) / RATE
    assert first < 0.005  # within the first blocks the synth renders
    assert abs(pitch_at(x, 0.0) - 74) < 0.3
    engine.note_off(1, 74)
    assert rms(mono(listen(engine, 1.5))[-RATE // 4:]) < 1e-3


def test_a_long_score_is_scheduled_a_window_at_a_time(offline):
    # 10 minutes of eighth notes: only the next ~2 s may be in the sequencer at any time.
    score = melody([60 + i % 12 for i in range(2400)], program=XYLOPHONE, step=240, length=120)
    engine = offline(score)
    host = engine._host
    sent: list[int] = []
    original = host.schedule_on
    host.schedule_on = lambda ms, *rest: (sent.append(ms), original(ms, *rest))  # count, then send
    engine.play()
    assert 8 <= len(sent) <= 12  # 2 s of eighths at 120 bpm, not 2400 notes
    listen(engine, 5.0)
    assert max(sent) <= 5000 + 2100  # never more than the window ahead of the sample clock
    assert 26 <= len(sent) <= 30  # 5 s played + 2 s window, at 4 notes a second


def test_calls_from_many_threads_while_audio_runs(offline):
    import random
    import threading

    engine = offline(melody(SCALE * 8, program=XYLOPHONE))
    errors: list[BaseException] = []
    done = threading.Event()

    def audio_thread() -> None:  # stands in for the sound card pulling blocks
        try:
            while not done.is_set():
                engine.render(256)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def gui_thread(seed: int) -> None:
        rng = random.Random(seed)
        actions = [lambda: engine.play(rng.randrange(0, 4000)), engine.stop, engine.pause,
                   engine.resume, lambda: engine.seek(rng.randrange(0, 4000)),
                   lambda: engine.set_tempo_factor(rng.choice([0.5, 1.0, 2.0])),
                   lambda: engine.set_loop(rng.choice([None, (0, 960), (480, 1920)])),
                   lambda: engine.set_metronome(rng.random() < 0.5), engine.position,
                   lambda: engine.note_on(0, rng.randrange(48, 84)), engine.all_notes_off]
        try:
            for _ in range(300):
                rng.choice(actions)()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    workers = [threading.Thread(target=audio_thread)] + [
        threading.Thread(target=gui_thread, args=(seed,)) for seed in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers[1:]:
        worker.join(timeout=60)
    done.set()
    workers[0].join(timeout=10)
    assert errors == []
    engine.stop()
    engine.all_notes_off()
    assert rms(mono(listen(engine, 2.0))[-RATE // 2:]) < 1e-4  # nothing left hanging

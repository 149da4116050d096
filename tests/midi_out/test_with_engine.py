"""MIDI out beside the real FluidSynth engine on the dummy JACK server: the routed engine plays
internal voices on the synth and external ones on the port, through the window's AudioBridge;
keyboard thru (MidiInput) and the co-writer's answers reach the port on the voice's channel."""

from __future__ import annotations

import time

import pytest
from midi_ports import wait_connected, wait_for

from composer.midi_out import Routing
from composer.music.score import Note, Score, TempoChange, Voice


@pytest.fixture(scope="module")
def engine(jack_server):
    from composer.audio import SoundEngine, SoundFontError, find_soundfont

    try:
        font = find_soundfont().path
    except SoundFontError as error:
        pytest.skip(f"no General MIDI soundfont ({error})")
    sound = SoundEngine(soundfont=font, driver="jack", jack_server=jack_server)
    assert sound.status.playback, sound.status.problems
    yield sound
    sound.close()


def test_the_window_bridge_plays_internal_voices_inside_and_external_ones_out(engine, out, daw):
    from composer.ui.audio_bridge import AudioBridge

    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(engine)
    out.set_routing(Routing("internal", {1: "external"}))
    score = Score(notes=[Note(60 + i, i * 240, 200, 100, i % 2) for i in range(12)],
                  voices=[Voice("piano", 0), Voice("strings", 48)], tempos=[TempoChange(0, 200.0)])
    bridge = AudioBridge(router)
    assert bridge.can_play
    bridge.load(score)
    bridge.play(0)
    assert bridge.playing
    assert wait_for(lambda: not bridge.playing, 10)
    time.sleep(0.1)
    # Composer sent voice 1 only; the busy non-real-time JACK server may lose a cycle's MIDI.
    sent = [m for _, _, m in out.sender.log if m[0] & 0xF0 == 0x90]
    assert sent == [[0x91, p, 100] for p in (61, 63, 65, 67, 69, 71)]
    received = [m for m, _ in daw.notes_on()]
    assert len(received) >= 5 and all(m in sent for m in received), received
    assert [m for m, _ in daw.messages(0xC0, 0xF0)] == [[0xC1, 48]]
    assert router.engine is engine and bridge.position() == score.end  # the synth's transport is the playhead


def test_keyboard_thru_and_answers_follow_the_routing(engine, out, daw, jack_server):
    import rtmidi

    from composer.midi_in import KeyLit, MidiInput

    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(engine)
    router.load(Score(voices=[Voice("piano", 0), Voice("lead", 80)]))
    out.set_routing(Routing("internal", {1: "both"}))
    keys = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="test-thru-keys")
    keys.open_virtual_port("keys")
    midi = MidiInput(router, api="jack", client_name="composer-thru-test", watch_interval=0.05)
    try:
        assert midi.open("test-thru-keys:keys")
        wait_connected("test-thru-keys:keys")
        midi.set_voice(0)  # internal only: nothing goes out
        keys.send_message([0x90, 50, 80])
        keys.send_message([0x80, 50, 0])
        seen = []
        assert wait_for(lambda: seen.extend(midi.drain()) or any(isinstance(e, KeyLit) and e.pitch == 50
                                                                  and not e.on for e in seen), 5)
        midi.set_voice(1)
        keys.send_message([0x90, 62, 99])
        time.sleep(0.05)
        keys.send_message([0x80, 62, 0])
        assert wait_for(lambda: len(daw.messages()) >= 2, 5)
        time.sleep(0.1)
        assert [m for m, _ in daw.messages()] == [[0x91, 62, 99], [0x81, 62, 0]]
        # The co-writer's answers are played with note_on/note_off on the same object.
        from composer.midi_in.answer_player import AnswerPlayer, TimedNote

        daw.clear()
        player = AnswerPlayer(router)
        now = time.perf_counter()
        player.add([TimedNote(Note(67, 0, 240, 70, 1), now + 0.02, now + 0.1)], last=True)
        player.join(2)
        assert wait_for(lambda: len(daw.messages()) == 2, 5)
        assert [m for m, _ in daw.messages()] == [[0x91, 67, 70], [0x81, 67, 0]]
    finally:
        midi.close()
        keys.close_port()
        keys.delete()

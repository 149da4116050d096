"""Call and response over real MIDI ports: the player's phrase (from the JACK keyboard), a pause,
the co-writer's answer (a small random checkpoint, saved and loaded like any), cutting in."""

from __future__ import annotations

import time

import pytest
import torch
from midi_keys import wait_for

from composer.generate import Continuer
from composer.midi_in import CallResponseSettings, ExchangeDone, KeyLit
from composer.model.checkpoint import Checkpoint
from composer.model.network import NetworkConfig, Seq2Seq
from composer.music.score import Score, TempoChange

PHRASE = [(60, 80, 0.0, 0.15), (62, 85, 0.2, 0.15), (64, 90, 0.4, 0.15), (67, 95, 0.6, 0.3)]


@pytest.fixture(scope="module")
def continuer(tmp_path_factory):
    torch.manual_seed(7)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=64, encoder_hidden=32, decoder_hidden=64))
    path = tmp_path_factory.mktemp("ckpt") / "random.safetensors"
    Checkpoint(model=model, styles=["neutral", "folk"]).save(path)
    return Continuer.load(path)


def exchanges(midi) -> list:
    return [e.exchange for e in midi.drain() if isinstance(e, ExchangeDone)]


def test_a_pause_brings_an_answer_that_continues_after_the_phrase(connected, continuer):
    midi, keyboard = connected
    settings = CallResponseSettings(silence_ms=300, length=8, first_notes=3, seed=1)
    # A fast tempo: an untrained model's rhythms can be slow, and the answer must end in time.
    clock = midi.start_call_response(continuer, Score(tempos=[TempoChange(0, 480.0)]), 0, settings)
    midi.drain()
    sent = keyboard.play(PHRASE)
    events = []
    assert wait_for(lambda: events.extend(midi.drain()) or any(isinstance(e, ExchangeDone) for e in events), 20.0)
    (exchange,) = [e.exchange for e in events if isinstance(e, ExchangeDone)]
    assert [(n.pitch, n.velocity) for n in exchange.call] == [(p, v) for p, v, *_ in sent]
    assert not exchange.call[0].generated and not exchange.cut and exchange.error is None
    assert len(exchange.answer) == 8 and all(n.generated for n in exchange.answer)
    last_off = max(off for *_, off in sent)
    assert exchange.detected_at >= last_off + 0.3
    assert exchange.first_note_at >= exchange.detected_at
    first = min(n.onset for n in exchange.answer)
    assert first > max(n.end for n in exchange.call)  # the answer follows the phrase
    # ... where it was heard: at the first answer note's time on the session clock.
    assert abs(clock.time(first) - exchange.first_note_at) < 0.01
    heard = [e for e in events if isinstance(e, KeyLit) and e.answer and e.on]
    assert len(heard) == 8  # every answer note sounded (and lit its key)
    kept = midi.stop_call_response()
    assert len(kept) == 1 and kept[0].answer == exchange.answer


def test_playing_during_the_answer_cuts_it_off_and_starts_the_next_call(connected, continuer):
    midi, keyboard = connected
    settings = CallResponseSettings(silence_ms=250, length=32, first_notes=4, seed=3)
    midi.start_call_response(continuer, Score(tempos=[TempoChange(0, 120.0)]), 0, settings)
    midi.drain()
    keyboard.play(PHRASE)
    events = []
    assert wait_for(lambda: events.extend(midi.drain()) or any(
        isinstance(e, KeyLit) and e.answer and e.on for e in events), 10.0)
    keyboard.on(72, 110)  # the player cuts in
    time.sleep(0.3)
    keyboard.off(72)
    time.sleep(0.05)
    events += midi.drain()
    (exchange,) = [e.exchange for e in events if isinstance(e, ExchangeDone)]
    assert exchange.cut
    assert 1 <= len(exchange.answer) < 32
    cut_index = next(i for i, e in enumerate(events) if isinstance(e, KeyLit) and not e.answer and e.pitch == 72)
    later_answer_notes = [e for e in events[cut_index:] if isinstance(e, KeyLit) and e.answer and e.on]
    assert later_answer_notes == []  # silence from the co-writer once the player plays
    kept = midi.stop_call_response()
    assert kept[0] is exchange or kept[0].answer == exchange.answer
    assert [(n.pitch, n.velocity) for n in kept[-1].call] == [(72, 110)]  # the cut-in is the next call


def test_in_tempo_mode_the_answer_starts_on_the_next_bar_line(connected, continuer):
    midi, keyboard = connected
    bpm = 480.0  # short bars and a short answer keep the test short
    settings = CallResponseSettings(tempo_mode=True, length=6, first_notes=2, seed=5)
    score = Score(tempos=[TempoChange(0, bpm)])
    clock = midi.start_call_response(continuer, score, 0, settings)  # no engine: a silent count-in
    midi.drain()
    keyboard.play([(60, 80, 0.0, 0.1), (64, 80, 0.15, 0.1)], start=clock.origin + 0.1)
    done = []
    assert wait_for(lambda: done.extend(exchanges(midi)) or done, 10.0)
    (exchange,) = done
    bar = score.time_signature.bar_ticks
    first = min(n.onset for n in exchange.answer)
    assert first % bar == 0 and first == (max(n.end for n in exchange.call) // bar + 1) * bar
    assert exchange.detected_at >= clock.time(first)
    midi.stop_call_response()


def test_a_phrase_not_yet_answered_is_kept_when_the_session_stops(connected, continuer):
    midi, keyboard = connected
    midi.start_call_response(continuer, Score(), 0, CallResponseSettings(silence_ms=5000))
    keyboard.play(PHRASE[:2])
    time.sleep(0.03)
    (exchange,) = midi.stop_call_response()
    assert [n.pitch for n in exchange.call] == [60, 62] and exchange.answer == []

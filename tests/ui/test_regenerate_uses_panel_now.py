"""↻ Regenerate repeats the last kind of request (Continue, Fill, Add part: the same seed, bars and
voices) with the co-writer panel's settings as they are when it is clicked, and a new random seed.

Found by QA in the window: a G-major waltz continued with Key lock "Choose… Eb major"; Key lock set
back to "Detect from seed" (the panel said "Detected: G:major"); Regenerate wrote the new notes in
Eb major again (F naturals, no B, A or E), because it replayed the old request with only a new
random seed. Real window (pytest-qt, offscreen), the shipped model in its process."""

from __future__ import annotations

import mido
import pytest
from window_helpers import click_and_wait, close_window, ready_model_window

from composer.music.scales import Key

Q = 480
BAR = 3 * Q
MODEL_TIMEOUT_MS = 90000
G_MAJOR = Key(7, "major").pitch_classes
EB_MAJOR = Key(3, "major").pitch_classes
# eight bars of a G-major waltz: a tune in crotchets over a bass on the bar
TUNE = [67, 71, 74, 72, 69, 66, 67, 71, 74, 76, 74, 71, 72, 76, 72, 71, 74, 71, 69, 66, 62, 67, 67, 67]
BASS = [43, 43, 48, 50, 48, 50, 45, 43]


def write_waltz(path) -> None:
    mid = mido.MidiFile(ticks_per_beat=Q)
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0),
                                      mido.MetaMessage("key_signature", key="G", time=0)]))
    for name, channel, program, pitches, beats in (("Flute", 0, 73, TUNE, 1), ("Cello", 1, 42, BASS, 3)):
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0),
                                mido.Message("program_change", channel=channel, program=program, time=0)])
        for pitch in pitches:
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=80, time=0))
            track.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=beats * Q))
        mid.tracks.append(track)
    mid.save(path)


@pytest.fixture
def waltz_window(qtbot, tmp_path):
    window = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    write_waltz(tmp_path / "waltz.mid")
    assert window.files.open_path(tmp_path / "waltz.mid", confirmed=True)
    qtbot.waitUntil(lambda: len(window.document.store.notes()) == len(TUNE) + len(BASS), timeout=10000)
    window.cowriter_panel.set_length(16, "notes")
    window.cowriter_panel.variation_count.setValue(2)
    yield window
    close_window(window)


def set_key_lock(panel, mode: str, key: Key | None = None) -> None:
    panel.key_mode.setCurrentIndex(panel.key_mode.findData(mode))
    if key is not None:
        panel.tonic.setCurrentIndex(key.tonic)
        panel.scale.setCurrentIndex(panel.scale.findData(key.scale))


def new_pitch_classes(window, variations) -> set[int]:
    drums = {i for i, v in enumerate(window.document.voices) if v.is_drum}
    return {n.pitch % 12 for v in variations for n in v.new_notes(window.document.store.notes())
            if n.voice not in drums}


def seed_of(variation) -> list:
    return sorted(((n.onset, n.pitch, n.voice) for n in variation.score.notes if not n.generated))


def test_regenerate_follows_the_key_lock_as_it_is_now(qtbot, waltz_window):
    window, panel = waltz_window, waltz_window.cowriter_panel
    set_key_lock(panel, "choose", Key(3, "major"))
    first = click_and_wait(qtbot, window, panel.continue_button, MODEL_TIMEOUT_MS)
    assert window.cowriter.last_request.resolved_key().pitch_classes == EB_MAJOR
    assert new_pitch_classes(window, first) <= EB_MAJOR
    seed = seed_of(first[0])

    set_key_lock(panel, "detect")
    qtbot.waitUntil(lambda: panel.detected_key.text() == "Detected: G major", timeout=3000)
    assert "settings as they are now" in panel.variations.regenerate_button.toolTip()
    again = click_and_wait(qtbot, window, panel.variations.regenerate_button, MODEL_TIMEOUT_MS)
    assert window.cowriter.last_request.resolved_key().pitch_classes == G_MAJOR
    pitch_classes = new_pitch_classes(window, again)
    assert pitch_classes and pitch_classes <= G_MAJOR, sorted(pitch_classes)
    assert seed_of(again[0]) == seed  # the same seed


def test_regenerate_of_a_fill_keeps_its_bars_and_takes_the_new_settings(qtbot, waltz_window):
    window, panel = waltz_window, waltz_window.cowriter_panel
    window.editor.ruler.select_bars(4 * BAR, 6 * BAR)  # bars 5-6
    click_and_wait(qtbot, window, window.regions.fill_button, MODEL_TIMEOUT_MS)
    region = window.cowriter.last_request.region
    assert (region.start, region.end) == (4 * BAR, 6 * BAR)

    window.editor.ruler.select_bars(0, 0)  # the bar selection gone: Regenerate still means bars 5-6
    panel.variation_count.setValue(1)
    panel.temperature.setValue(0.7)
    again = click_and_wait(qtbot, window, panel.variations.regenerate_button, MODEL_TIMEOUT_MS)
    request = window.cowriter.last_request
    assert (request.region.start, request.region.end) == (4 * BAR, 6 * BAR)
    assert len(again) == 1 and request.temperature == pytest.approx(0.7)


def test_regenerate_of_an_added_part_keeps_its_bars(qtbot, waltz_window):
    window, panel = waltz_window, waltz_window.cowriter_panel
    window.editor.ruler.select_bars(2 * BAR, 4 * BAR)  # bars 3-4
    window.regions.part_actions["counter"].trigger()
    qtbot.waitUntil(lambda: not window.cowriter.busy and bool(panel.variations.variations), timeout=MODEL_TIMEOUT_MS)
    assert window.cowriter.last_request.region.start == 2 * BAR

    window.editor.ruler.select_bars(0, 0)
    set_key_lock(panel, "choose", Key(3, "major"))
    click_and_wait(qtbot, window, panel.variations.regenerate_button, MODEL_TIMEOUT_MS)
    request = window.cowriter.last_request
    assert (request.region.start, request.region.end) == (2 * BAR, 4 * BAR)
    assert request.resolved_key().pitch_classes == EB_MAJOR

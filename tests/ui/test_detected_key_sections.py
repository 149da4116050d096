""""Key lock: Detect from seed" in the window follows a written key change and leaves drums out,
as the request's auto key does (composer.request.key_of_section).

Found by QA: a song in G major that modulates to E flat major (a key signature at bar 9), with a
drum part, opened in the window: Continue with the playhead at the start (the whole score as the
seed) read "Detected: G:minor" and locked the continuation of the E flat bars to it, because the
panel estimated one key from every note, drums included. Real window (pytest-qt, offscreen) and a
MIDI file the test writes; no model is needed."""

from __future__ import annotations

import mido

Q = 480
G_TUNE = [71, 74, 72, 69, 67, 71, 74, 79, 78, 74, 76, 72, 71, 67, 69, 71] * 2
EB_TUNE = [75, 70, 67, 70, 72, 70, 68, 67, 65, 67, 70, 75, 74, 72, 70, 75]


def write_song(path) -> None:
    """Melody: 8 bars of G major then 4 of Eb major (key signatures at 0 and bar 9); drums: kick,
    snare and hi-hat in eighths, each held an eighth (as many drum tracks write them)."""
    mid = mido.MidiFile(ticks_per_beat=Q)
    conductor = mido.MidiTrack()
    mid.tracks.append(conductor)
    conductor.append(mido.MetaMessage("key_signature", key="G", time=0))
    conductor.append(mido.MetaMessage("key_signature", key="Eb", time=8 * 4 * Q))
    melody = mido.MidiTrack()
    mid.tracks.append(melody)
    melody.append(mido.Message("program_change", channel=0, program=73))
    for pitch in G_TUNE + EB_TUNE:
        melody.append(mido.Message("note_on", channel=0, note=pitch, velocity=80, time=0))
        melody.append(mido.Message("note_off", channel=0, note=pitch, velocity=0, time=Q))
    drums = mido.MidiTrack()
    mid.tracks.append(drums)
    for eighth in range(12 * 8):
        hits = [42] + ([36] if eighth % 4 == 0 else [38] if eighth % 4 == 2 else [])
        for key in hits:
            drums.append(mido.Message("note_on", channel=9, note=key, velocity=90, time=0))
        for i, key in enumerate(hits):
            drums.append(mido.Message("note_off", channel=9, note=key, velocity=0, time=Q // 2 if i == 0 else 0))
    mid.save(path)


def test_detect_from_seed_takes_the_key_the_seed_ends_in(window, qtbot, tmp_path):
    panel = window.cowriter_panel
    write_song(tmp_path / "song.mid")
    assert window.files.open_path(tmp_path / "song.mid", confirmed=True)
    assert panel.key_mode.currentData() == "detect"
    panel.playhead = lambda: 0  # the whole score is the seed
    qtbot.waitUntil(lambda: panel.detected_key.text() == "Detected: Eb major", timeout=2000)
    assert str(panel.options(panel.seed_notes())["key"]) == "Eb:major"  # what Continue locks to

    doc = window.document  # a seed in the G major bars reads as G major, drums and all ...
    doc.set_selection([i for i, n in doc.store.items() if n.onset < 8 * 4 * Q])
    assert str(panel.seed_key(panel.seed_notes())) == "G:major"
    # ... but music follows it at once, so Continue writes at the piece's end, as with nothing
    # selected, and locks to the key there (test_continue_key_after_accept)
    qtbot.waitUntil(lambda: not panel._detect_timer.isActive(), timeout=2000)
    assert panel.detected_key.text() == "Detected: Eb major"

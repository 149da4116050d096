"""QA (qa12 F8, F14): opening a tune whose repeats were written out as played, or a MIDI file
with a sustain pedal, said only "Opened x: N notes". Now the status line says what reading
interpreted (the pedal is kept beside the notes for playback), and a file with problems lists
both in its notice (a pitch bend not read is a problem). Real window, real files written here."""

from __future__ import annotations

import mido
import pytest

from composer.ui.main_window import MainWindow

REEL = """X:1
T:Reel with endings
M:4/4
L:1/8
K:D
A|:FAAF BAFA|dBAF ABde|fBBA Bcde|1 fedB AFEA:|2 fedB AFED||
|:fabf bafa|dfaf gfef|1 gfef gbag|fedB AFED:|2 gfeg fedB|AFEF D4|]
"""
PLAIN = "X:1\nT:Plain\nM:4/4\nL:1/4\nK:C\nC D E F | G A B c |]\n"


@pytest.fixture
def window(qtbot):
    w = MainWindow(load_model=False, start_audio=False)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.document.undo_stack.setClean()
    if w._message_box is not None:
        w._message_box.close()
    w.close()
    w.deleteLater()


def _open(qtbot, window, path) -> str:
    assert window.files.open_path(path, confirmed=True)
    qtbot.waitUntil(lambda: not window.files.reading, timeout=20000)
    qtbot.wait(20)
    return window.status.currentMessage()


def _midi(path, pedal: bool, bend: bool) -> None:
    smf = mido.MidiFile(type=1, ticks_per_beat=480)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Keys", time=0)])
    if pedal:
        track.append(mido.Message("control_change", control=64, value=127, time=0))
    track += [mido.Message("note_on", note=60, velocity=80, time=0),
              mido.Message("note_off", note=60, velocity=0, time=240)]
    if bend:
        track += [mido.Message("pitchwheel", pitch=3000, time=0), mido.Message("pitchwheel", pitch=0, time=100)]
    track.append(mido.Message("control_change", control=64, value=0, time=1680 - (100 if bend else 0)))
    smf.tracks.append(track)
    smf.save(path)


def test_repeats_written_out_are_said_on_opening(qtbot, window, tmp_path):
    (tmp_path / "plain.abc").write_text(PLAIN)
    status = _open(qtbot, window, tmp_path / "plain.abc")
    assert status == "Opened plain.abc: 8 notes"
    (tmp_path / "reel.abc").write_text(REEL)
    status = _open(qtbot, window, tmp_path / "reel.abc")
    assert status.startswith("Opened reel.abc: ")
    assert "(repeats written out as played: 16 bars from 11 written; bar numbers count played bars)" in status
    assert window.last_error == ""  # an interpretation, no damage: no warning box


def test_the_pedal_is_said_and_a_bend_listed(qtbot, window, tmp_path):
    _midi(tmp_path / "pedal.mid", pedal=True, bend=False)
    status = _open(qtbot, window, tmp_path / "pedal.mid")
    assert ("(sustain pedal kept for playback: 1 pedal press in Keys (notes keep their played lengths))"
            in status)
    assert window.document.score().notes[0].duration == 240  # as played: the pedal is kept beside it
    assert [(p.voice, p.onset, p.end) for p in window.document.score().pedals] == [(0, 0, 1920)]
    assert window.last_error == ""

    _midi(tmp_path / "bend.mid", pedal=True, bend=True)
    _open(qtbot, window, tmp_path / "bend.mid")
    assert "bend.mid was opened" in window.last_error
    assert "• pitch bend not read: 1 bend in Keys ignored" in window.last_error
    assert "Also, as read:\n• sustain pedal kept for playback" in window.last_error


def test_edits_undo_save_and_export_keep_the_pedal(qtbot, window, tmp_path):
    """The pedal is the player's, beside the notes: a note added (by hand or by the co-writer)
    gets none of its own, undo and redo leave it, the saved project and the exported MIDI file
    hold it."""
    from composer.io import read_score
    from composer.io.project_file import load_project
    from composer.music.score import Note, Pedal

    _midi(tmp_path / "pedal.mid", pedal=True, bend=False)
    _open(qtbot, window, tmp_path / "pedal.mid")
    document = window.document
    held = [Pedal(0, 0, 1920)]
    document.add_notes([Note(64, 480, 240, 80, 0)])
    assert document.score().pedals == held and len(document.score().notes) == 2
    document.undo_stack.undo()
    assert document.score().pedals == held and len(document.score().notes) == 1
    document.undo_stack.redo()
    assert document.score().pedals == held
    assert window.files.save_to(tmp_path / "song.composer.json")
    assert load_project(tmp_path / "song.composer.json").score.pedals == held
    assert window.files.export_midi(tmp_path / "out.mid")
    again = read_score(tmp_path / "out.mid")
    assert again.pedals == held and sorted(n.duration for n in again.notes) == [240, 240]


def test_a_partly_read_file_is_said_in_a_whole_sentence_on_the_status_line(qtbot, window, tmp_path):
    """QA: the status line for truncated.mid (an exported file cut after 200 bytes) read "truncated.mid
    was opened, but not everything in it could be read as written:" and stopped; the dialog listed
    the problems. Now it gives the first problem and how many more the dialog lists."""
    smf = mido.MidiFile(type=1, ticks_per_beat=480)
    for name, pitch in (("Flute", 72), ("Cello", 48), ("Viola", 60)):
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
        for i in range(40):
            track += [mido.Message("note_on", note=pitch + i % 5, velocity=80, time=0),
                      mido.Message("note_off", note=pitch + i % 5, velocity=0, time=240)]
        smf.tracks.append(track)
    smf.save(tmp_path / "whole.mid")
    (tmp_path / "truncated.mid").write_bytes((tmp_path / "whole.mid").read_bytes()[:200])
    status = _open(qtbot, window, tmp_path / "truncated.mid")
    problems = [line[2:] for line in window.last_error.splitlines() if line.startswith("• ")]
    assert len(problems) >= 2, window.last_error  # the dialog lists them all
    assert status == (f"truncated.mid was opened, but not everything in it could be read as written: "
                      f"{problems[0]} ({len(problems) - 1} more: see the dialog)"), status

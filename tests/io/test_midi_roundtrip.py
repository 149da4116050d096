"""write_midi -> read back with pretty_midi, mido and read_midi: the same music each time."""

from __future__ import annotations

from collections import defaultdict

import mido
import pretty_midi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io import read_score, write_midi
from composer.io.midi_file import read_midi
from composer.music import SCALES, Key, Note, Score, TempoChange, TimeSignature, Voice


def rich_score() -> Score:
    voices = [Voice("Piano", 0, volume=110, pan=40), Voice("Bass", 33, volume=90, pan=64),
              Voice("Kit", 0, is_drum=True, volume=127, pan=80), Voice("Strings", 48, mute=True)]
    notes = []
    for bar in range(4):
        base = bar * 1440
        notes += [Note(p, base, 1440, 50 + 10 * bar + i, 0) for i, p in enumerate((60, 64, 67))]  # chords
        notes += [Note(36 + bar, base + beat * 480, 470, 100, 1) for beat in range(3)]
        notes += [Note(42, base + step * 240, 60, 40 + 15 * step, 2) for step in range(6)]
        notes += [Note(72 + bar, base + 720, 720, 64, 3, generated=bar >= 2)]
    return Score(notes=notes, voices=voices, title="Round trip",
                 tempos=[TempoChange(0, 100.0), TempoChange(1440, 140.0), TempoChange(4320, 72.5)],
                 time_signature=TimeSignature(3, 4), key=Key.parse("E minor"))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    score = rich_score()
    path = tmp_path_factory.mktemp("roundtrip") / "rich.mid"
    write_midi(score, path)
    return score, path


def test_pretty_midi_hears_the_same_notes_programs_and_tempi(written):
    score, path = written
    pm = pretty_midi.PrettyMIDI(str(path))
    assert [(i.name, i.program, i.is_drum) for i in pm.instruments] == [
        (v.name, v.program, v.is_drum) for v in score.voices]
    for index, instrument in enumerate(pm.instruments):
        heard = sorted((n.pitch, n.velocity, n.start, n.end) for n in instrument.notes)
        expected = sorted((n.pitch, n.velocity, score.seconds_at(n.onset), score.seconds_at(n.end))
                          for n in score.notes if n.voice == index)
        assert [h[:2] for h in heard] == [e[:2] for e in expected]
        # tempo is stored in whole microseconds per quarter: 140 bpm is 428571 us, 1e-6 off
        assert [h[2:] for h in heard] == [pytest.approx(e[2:], abs=1e-5) for e in expected]
    times, tempi = pm.get_tempo_changes()
    assert list(tempi) == pytest.approx([t.bpm for t in score.tempos], abs=1e-3)
    assert list(times) == pytest.approx([score.seconds_at(t.tick) for t in score.tempos], abs=1e-5)
    assert [(ts.numerator, ts.denominator) for ts in pm.time_signature_changes] == [(3, 4)]
    assert [ks.key_number for ks in pm.key_signature_changes] == [12 + 4]  # pretty_midi: 12 + tonic = minor


def test_mido_sees_a_type_1_file_with_conductor_and_one_track_per_voice(written):
    score, path = written
    midi = mido.MidiFile(str(path))
    assert (midi.type, midi.ticks_per_beat, len(midi.tracks)) == (1, 480, 1 + len(score.voices))
    conductor = list(midi.tracks[0])
    tempos, tick = [], 0
    for message in conductor:
        tick += message.time
        if message.type == "set_tempo":
            tempos.append((tick, message.tempo))
    assert tempos == [(t.tick, mido.bpm2tempo(t.bpm)) for t in score.tempos]
    assert any(m.type == "track_name" and m.name == "Round trip" for m in conductor)
    channels = set()
    for index, track in enumerate(midi.tracks[1:]):
        voice = score.voices[index]
        programs = [m for m in track if m.type == "program_change"]
        controls = {m.control: m.value for m in track if m.type == "control_change"}
        assert [p.program for p in programs] == [voice.program]
        assert controls == {7: voice.volume, 10: voice.pan}
        track_channels = {m.channel for m in track if not m.is_meta}
        assert len(track_channels) == 1
        channels |= track_channels
        assert (9 in track_channels) == voice.is_drum
        sounding, tick, pairs = {}, 0, []
        for message in track:
            tick += message.time
            if message.type == "note_on" and message.velocity > 0:
                sounding.setdefault(message.note, []).append((tick, message.velocity))
            elif message.type in ("note_on", "note_off"):
                onset, velocity = sounding[message.note].pop(0)
                pairs.append((message.note, onset, tick - onset, velocity))
        assert sorted(pairs) == sorted((n.pitch, n.onset, n.duration, n.velocity) for n in score.notes if n.voice == index)
    assert len(channels) == len(score.voices)  # no two voices collide on a channel


def test_read_midi_gets_back_exactly_what_was_written(written):
    score, path = written
    back = read_midi(path)
    assert back.sorted_notes() == score.sorted_notes()  # generated flags included
    assert [(v.name, v.program, v.is_drum, v.volume, v.pan) for v in back.voices] == [
        (v.name, v.program, v.is_drum, v.volume, v.pan) for v in score.voices]
    assert (back.tempos, back.time_signature, back.key, back.title) == (
        score.tempos, score.time_signature, score.key, score.title)


def test_only_generated_keeps_positions_and_drops_the_rest(tmp_path):
    score = rich_score()
    path = tmp_path / "continuation.mid"
    write_midi(score, path, only_generated=True)
    back = read_midi(path)
    generated = sorted((n for n in score.notes if n.generated), key=lambda n: (n.onset, n.pitch))
    assert [(n.pitch, n.onset, n.duration) for n in back.sorted_notes()] == [(n.pitch, n.onset, n.duration) for n in generated]
    assert all(n.generated for n in back.notes)
    assert back.tempos == score.tempos  # the tempo map still places them in time
    pm = pretty_midi.PrettyMIDI(str(path))
    assert sum(len(i.notes) for i in pm.instruments) == len(generated)


def test_real_pretty_midi_files_are_read(tmp_path):
    pm = pretty_midi.PrettyMIDI(initial_tempo=96, resolution=220)
    piano = pretty_midi.Instrument(program=0, name="Grand")
    drums = pretty_midi.Instrument(program=0, is_drum=True, name="Beat")
    cello = pretty_midi.Instrument(program=42, name="Cello")
    for i in range(24):
        piano.notes.append(pretty_midi.Note(velocity=30 + 4 * i, pitch=60 + i % 12, start=i * 0.3, end=i * 0.3 + 0.25))
        drums.notes.append(pretty_midi.Note(velocity=100, pitch=36 + i % 3, start=i * 0.15, end=i * 0.15 + 0.05))
    cello.notes.append(pretty_midi.Note(velocity=70, pitch=48, start=0.0, end=7.0))
    pm.instruments += [piano, drums, cello]
    pm.time_signature_changes.append(pretty_midi.TimeSignature(6, 8, 0.0))
    pm.key_signature_changes.append(pretty_midi.KeySignature(2, 0.0))  # D major
    path = tmp_path / "pm.mid"
    pm.write(str(path))

    score = read_midi(path)
    assert [(v.name, v.program, v.is_drum) for v in score.voices] == [("Grand", 0, False), ("Beat", 0, True), ("Cello", 42, False)]
    assert score.bpm == pytest.approx(96, abs=0.01)
    assert (score.time_signature, score.key) == (TimeSignature(6, 8), Key(2, "major"))
    reread = pretty_midi.PrettyMIDI(str(path))  # what the file really says, after pretty_midi's own tick rounding
    for index, instrument in enumerate(reread.instruments):
        ours = sorted((n.pitch, score.seconds_at(n.onset), score.seconds_at(n.end), n.velocity)
                      for n in score.notes if n.voice == index)
        theirs = sorted((n.pitch, n.start, n.end, n.velocity) for n in instrument.notes)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert a[0] == b[0] and a[3] == b[3]
            assert a[1] == pytest.approx(b[1], abs=1e-3) and a[2] == pytest.approx(b[2], abs=1e-3)


# --- property: any score round-trips exactly -------------------------------------------------

def as_tuple(n: Note) -> tuple:
    return (n.voice, n.pitch, n.onset, n.duration, n.velocity, n.generated)


names = st.text(alphabet="abcxyz ÉéüßΩ你好-_0123456789", min_size=1, max_size=30).filter(lambda s: s.strip())


@st.composite
def scores(draw) -> Score:
    voices = draw(st.lists(st.builds(Voice, name=names, program=st.integers(0, 127), is_drum=st.booleans(),
                                     volume=st.integers(0, 127), pan=st.integers(0, 127), mute=st.booleans()),
                           min_size=1, max_size=20))
    note = st.builds(Note, pitch=st.integers(0, 127), onset=st.integers(0, 4000), duration=st.integers(1, 1500),
                     velocity=st.integers(1, 127), voice=st.integers(0, len(voices) - 1), generated=st.booleans())
    notes = draw(st.lists(note, min_size=1, max_size=60, unique_by=lambda n: (n.voice, n.pitch, n.onset)))
    ticks = sorted(draw(st.sets(st.integers(1, 5000), max_size=4)))
    bpms = draw(st.lists(st.integers(2000, 30000).map(lambda b: b / 100), min_size=len(ticks) + 1, max_size=len(ticks) + 1))
    tempos = [TempoChange(t, b) for t, b in zip([0, *ticks], bpms)]
    key = draw(st.none() | st.builds(Key, st.integers(0, 11), st.sampled_from(sorted(SCALES))))
    meter = TimeSignature(draw(st.integers(1, 32)), draw(st.sampled_from([1, 2, 4, 8, 16, 32])))
    title = draw(st.just("") | names)
    return Score(notes=notes, voices=voices, tempos=tempos, time_signature=meter, key=key, title=title)


def expected_after_round_trip(score: Score):
    """What MIDI can say about a score: voices without notes have no track events to find, and
    overlapping notes of one pitch pair their ends first-in-first-out."""
    used = sorted({n.voice for n in score.notes})
    renumber = {old: new for new, old in enumerate(used)}
    groups = defaultdict(list)
    for n in score.notes:
        groups[(renumber[n.voice], n.pitch)].append(n)
    notes = []
    for (voice, pitch), group in groups.items():
        starts = sorted(group, key=lambda n: n.onset)
        ends = sorted(n.end for n in group)
        notes += [Note(pitch, n.onset, end - n.onset, n.velocity, voice, n.generated) for n, end in zip(starts, ends)]
    voices = [score.voices[i] for i in used]
    tempos = [t for i, t in enumerate(score.tempos) if i == 0 or t.bpm != score.tempos[i - 1].bpm]
    return (sorted(notes, key=as_tuple), [(" ".join(v.name.split()), v.program, v.is_drum, v.volume, v.pan) for v in voices],
            tempos, score.time_signature, score.key, " ".join(score.title.split()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(score=scores())
def test_any_score_round_trips_through_write_midi_and_read_midi(tmp_path, score):
    path = tmp_path / "property.mid"
    write_midi(score, path)
    back = read_score(path)
    got = (sorted(back.notes, key=as_tuple), [(v.name, v.program, v.is_drum, v.volume, v.pan) for v in back.voices],
           back.tempos, back.time_signature, back.key, back.title)
    assert got == expected_after_round_trip(score)

"""build_corpus and load_corpus on real files: a user folder made here, and a few music21 files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from composer.data import CorpusNotBuiltError, build_corpus, load_corpus
from composer.data.cache import CORPUS, MANIFEST, entry_path, file_sha256
from composer.data.sources import FolderSource, Music21CorpusSource
from composer.data.styles import STYLE_NAMES
from composer.io import read_scores
from tests.data.conftest import write_midi_file


def _by_id(corpus):
    return {p.id: p for p in corpus.pieces}


def test_user_folder_builds_into_pieces_with_ids_styles_and_notes(user_folder, cache):
    report = build_corpus([user_folder], cache, workers=1, progress=False)
    assert (report.files, report.parsed, report.cached) == (5, 5, 0)
    [(name, reason)] = report.skipped
    assert name == "my_music:irish/broken.mid" and reason and "unexpected" not in reason  # the reader's reason
    corpus = load_corpus(cache)
    pieces = _by_id(corpus)
    assert set(pieces) == {"my_music:loose.mid#0", "my_music:Jazz Tunes/a.mid#0", "my_music:Jazz Tunes/deep/b.abc#0",
                           "my_music:Jazz Tunes/deep/b.abc#1", "my_music:irish/jig.abc#0"}
    assert corpus.styles == [*STYLE_NAMES, "jazz_tunes", "my_music"]
    assert pieces["my_music:irish/jig.abc#0"].style == "irish"
    assert pieces["my_music:loose.mid#0"].style == "my_music"

    loose = pieces["my_music:loose.mid#0"]
    assert loose.notes.dtype == np.int32 and loose.notes.shape == (4, 5)
    assert loose.notes[:, 2].tolist() == [60, 62, 64, 65]
    assert loose.notes[:, 0].tolist() == [0, 480, 960, 1440]  # one beat each at 480 ticks per quarter
    assert loose.notes[:, 3].tolist() == [70, 71, 72, 73]
    assert loose.bpm == pytest.approx(90.0, abs=0.01) and loose.split in ("train", "validation", "test")

    jazz = pieces["my_music:Jazz Tunes/a.mid#0"]
    drum_rows = jazz.notes[np.isin(jazz.notes[:, 4], jazz.drum_voices)]
    assert len(jazz.drum_voices) == 1 and drum_rows[:, 2].tolist() == [36] * 5

    first, second = pieces["my_music:Jazz Tunes/deep/b.abc#0"], pieces["my_music:Jazz Tunes/deep/b.abc#1"]
    assert (first.title, second.title) == ("First Tune", "Second Tune")
    assert first.time_signature == (4, 4) and second.time_signature == (3, 4)
    assert first.key == "G:major" and second.key == "D:major"
    assert first.bpm == pytest.approx(100.0)
    assert corpus.skipped and corpus.skipped[0][0] == "my_music:irish/broken.mid"


def test_notes_match_what_the_reader_gives_sorted_by_onset_then_pitch(user_folder, cache):
    build_corpus([user_folder], cache, workers=1, progress=False)
    piece = _by_id(load_corpus(cache))["my_music:Jazz Tunes/a.mid#0"]
    score = read_scores(user_folder / "Jazz Tunes" / "a.mid")[0]
    expected = sorted((n.onset, n.pitch, n.voice, n.duration, n.velocity) for n in score.notes)
    got = [(o, p, v, d, vel) for o, d, p, vel, v in piece.notes.tolist()]
    assert got == expected


def test_rebuild_parses_only_new_and_changed_files_and_drops_removed_ones(user_folder, cache):
    build_corpus([user_folder], cache, workers=1, progress=False)
    again = build_corpus([user_folder], cache, workers=1, progress=False)
    assert (again.parsed, again.cached, again.consolidated) == (0, 5, False)  # bad file is not retried

    jig = user_folder / "irish" / "jig.abc"
    old_entry = entry_path(cache, file_sha256(jig))
    jig.write_text(jig.read_text().replace("T:Jig", "T:Changed Jig"))
    write_midi_file(user_folder / "new.mid", [72, 74])
    (user_folder / "loose.mid").unlink()
    changed = build_corpus([user_folder], cache, workers=1, progress=False)
    assert (changed.parsed, changed.cached, changed.consolidated) == (2, 3, True)
    assert not old_entry.exists()  # the jig's old entry and loose.mid's are dropped
    pieces = _by_id(load_corpus(cache))
    assert pieces["my_music:irish/jig.abc#0"].title == "Changed Jig"
    assert "my_music:new.mid#0" in pieces and "my_music:loose.mid#0" not in pieces
    assert len(list((cache / "files").rglob("*.npz"))) == 4


def test_cache_files_load_without_pickle_and_manifest_lists_every_file(user_folder, cache):
    build_corpus([user_folder], cache, workers=1, progress=False)
    with np.load(cache / CORPUS, allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)
    manifest = json.loads((cache / MANIFEST).read_text())
    errors = {f["key"]: f["error"] for f in manifest["files"]}
    assert len(errors) == 5 and errors["my_music:irish/broken.mid"] and errors["my_music:loose.mid"] is None


def test_loaded_notes_are_read_only_views(user_folder, cache):
    build_corpus([user_folder], cache, workers=1, progress=False)
    piece = load_corpus(cache).pieces[0]
    with pytest.raises(ValueError):
        piece.notes[0, 2] = 1


def test_load_without_a_build_says_how_to_build(tmp_path):
    with pytest.raises(CorpusNotBuiltError, match="composer data build"):
        load_corpus(tmp_path / "empty")


def test_music21_files_in_two_processes_and_the_chorale_rule(cache):
    # erk5: 27 Essen tunes in one file; bwv1.6 has five parts (not a four-voice chorale);
    # bwv10.7 is one; a Palestrina Agnus in Humdrum.
    source = Music21CorpusSource(only=("essenFolksong/erk5.abc", "bach/bwv1.6.mxl", "bach/bwv10.7.mxl",
                                       "palestrina/Agnus_01.krn"))
    report = build_corpus([source], cache, workers=2, progress=False)
    assert (report.files, report.parsed, report.skipped, report.filtered) == (4, 4, [], 1)
    corpus = load_corpus(cache)
    styles = {p.id: p.style for p in corpus.pieces}
    assert sum(1 for s in styles.values() if s == "german_folk") == 27
    assert styles["music21:bach/bwv10.7.mxl#0"] == "bach_chorales" and "music21:bach/bwv1.6.mxl#0" not in styles
    assert styles["music21:palestrina/Agnus_01.krn#0"] == "renaissance"
    chorale = _by_id(corpus)["music21:bach/bwv10.7.mxl#0"]
    assert sorted(set(chorale.notes[:, 4].tolist())) == [0, 1, 2, 3]
    assert all(len(p.notes) > 10 for p in corpus.pieces)
    assert {p.split for p in corpus.pieces} <= {"train", "validation", "test"}
    assert sum(len(corpus.split(s)) for s in ("train", "validation", "test")) == len(corpus)


def test_a_folder_and_the_default_corpus_together(user_folder, cache):
    report = build_corpus([FolderSource(user_folder), Music21CorpusSource(only=("ryansMammoth/AcaciaReel.abc",))],
                          cache, workers=1, progress=False)
    assert report.files == 6 and report.pieces == 6
    pieces = _by_id(load_corpus(cache))
    assert pieces["music21:ryansMammoth/AcaciaReel.abc#0"].style == "american_fiddle"
    assert pieces["music21:ryansMammoth/AcaciaReel.abc#0"].title == "Acacia -- Reel"


def test_a_worker_that_dies_costs_only_its_file(user_folder, cache):
    from composer.data.cache import failure_path
    from composer.data.parse import ParseJob, parse_files
    from tests.data.crashing_parser import parse_or_die

    crash = user_folder / "crash.abc"
    crash.write_text((user_folder / "irish" / "jig.abc").read_text())
    paths = [crash, user_folder / "irish" / "jig.abc", user_folder / "loose.mid"]
    jobs = [ParseJob(p, entry_path(cache, file_sha256(p) + p.name), failure_path(cache, file_sha256(p) + p.name))
            for p in paths]
    results = {r.job.path.name: r for r in parse_files(jobs, workers=2, progress=False, parse=parse_or_die)}
    assert results["crash.abc"].error and "died" in results["crash.abc"].error
    assert results["jig.abc"].pieces == 1 and results["loose.mid"].pieces == 1
    assert jobs[1].entry.is_file() and jobs[0].failure.is_file()

from __future__ import annotations

import pytest

from composer.data.sources import FolderSource, Music21CorpusSource, source_from_spec


def test_folder_source_styles_from_first_level_folders(user_folder):
    files = {f.relpath: f.style for f in FolderSource(user_folder).files()}
    assert files == {
        "Jazz Tunes/a.mid": "jazz_tunes",
        "Jazz Tunes/deep/b.abc": "jazz_tunes",
        "irish/broken.mid": "irish",
        "irish/jig.abc": "irish",
        "loose.mid": "my_music",
    }


def test_file_keys_are_relative_to_the_folder(user_folder):
    keys = {f.key for f in FolderSource(user_folder).files()}
    assert "my_music:Jazz Tunes/deep/b.abc" in keys


def test_spec_default_is_music21_and_a_path_is_a_folder(tmp_path):
    assert isinstance(source_from_spec("default"), Music21CorpusSource)
    assert source_from_spec(tmp_path).folder == tmp_path


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        FolderSource(tmp_path / "nope").files()


def test_music21_subset_keeps_the_full_corpus_keys():
    files = Music21CorpusSource(only=("essenFolksong/erk5.abc",)).files()
    assert [f.key for f in files] == ["music21:essenFolksong/erk5.abc"]
    assert files[0].path.is_file()

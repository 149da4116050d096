from __future__ import annotations

from collections import Counter

from composer.data.sources import Music21CorpusSource
from composer.data.styles import STYLE_NAMES, STYLES, ordered_styles, style_name_from_folder, style_of_corpus_path


def test_every_style_has_files_in_musics21_corpus_and_the_big_collections_are_there():
    counts = Counter(f.style for f in Music21CorpusSource().files())
    assert set(counts) == {style.name for style in STYLES if style.patterns}  # the others are the data sets'
    assert len(STYLE_NAMES) >= 7 and len(set(STYLE_NAMES)) == len(STYLE_NAMES)
    assert counts["american_fiddle"] > 1000 and counts["renaissance"] > 1000 and counts["bach_chorales"] > 300


def test_collections_map_to_their_styles():
    assert style_of_corpus_path("essenFolksong/han1.abc").name == "chinese_folk"
    assert style_of_corpus_path("essenFolksong/erk20.abc").name == "german_folk"
    assert style_of_corpus_path("essenFolksong/variant0.abc").name == "german_folk"
    assert style_of_corpus_path("oneills1850/0001-0050.abc").name == "irish"
    assert style_of_corpus_path("airdsAirs/book3.abc").name == "scottish"
    assert style_of_corpus_path("ryansMammoth/AcaciaReel.abc").name == "american_fiddle"
    assert style_of_corpus_path("bach/bwv1.6.mxl").name == "bach_chorales"
    assert style_of_corpus_path("palestrina/Agnus_01.krn").name == "renaissance"
    # parser test files, analyses and other composers are not training data
    for path in ("essenFolksong/test0.abc", "essenFolksong/license.txt", "bach/choraleAnalyses/riemenschneider001.rntxt",
                 "beethoven/opus18no1/movement1.mxl", "monteverdi/madrigal.3.1.rntxt"):
        assert style_of_corpus_path(path) is None, path


def test_every_style_is_described():
    for style in STYLES:
        assert style.display_name and len(style.description) > 20
        assert style.patterns or style.name in ("jazz", "popular_song") or style.name.startswith(("groove_", "popular_song_"))


def test_folder_names_become_style_names():
    assert style_name_from_folder("Jazz Standards") == "jazz_standards"
    assert style_name_from_folder("  Rock/Pop!! ") == "rock_pop"
    assert style_name_from_folder("???") == "user"


def test_style_order_is_stable_builtins_first_then_user_styles_sorted():
    assert ordered_styles({"zydeco", "irish", "ambient"}) == [*STYLE_NAMES, "ambient", "zydeco"]
    assert ordered_styles(set()) == list(STYLE_NAMES)

"""Training corpus: sources -> cached, compressed note arrays -> Corpus (numpy only, no torch).

    from composer.data import build_corpus, load_corpus
    build_corpus(["default"])              # parse music21's corpus into the cache (minutes, once)
    corpus = load_corpus()                 # < 2 s
    corpus.split("train")[0].notes         # (N, 5) int32: onset, duration, pitch, velocity, voice
"""

from composer.data.cache import NOTE_COLUMNS, default_cache_dir
from composer.data.corpus import Corpus, CorpusNotBuiltError, Piece, build_corpus, load_corpus
from composer.data.split import SPLITS
from composer.data.styles import STYLE_NAMES, STYLES

__all__ = ["NOTE_COLUMNS", "SPLITS", "STYLES", "STYLE_NAMES", "Corpus", "CorpusNotBuiltError", "Piece",
           "build_corpus", "default_cache_dir", "load_corpus"]

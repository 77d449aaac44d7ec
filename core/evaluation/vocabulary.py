"""gensim's vocabulary rule: only the first `restrict_vocab` rows (the most frequent words)
take part, and with case_insensitive the most frequent casing stands for a word."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from core.vectors.embeddings import Embeddings

RESTRICT_VOCAB = 300_000  # gensim's default


class Vocabulary:
    """The first R rows as gensim's `ok_vocab` sees them.

    size:          R = min(restrict_vocab, V)
    row_of_key:    key (upper-cased when case-insensitive) -> its first (most frequent) row
    rep_of_row:    (R,) int64, the row that stands for each row's key
    variant_rows:  rows that are not their key's first row, sorted by that first row, with
    variant_start: (R + 1,) offsets: the variants of row r are variant_rows[start[r]:start[r+1]]
    """

    def __init__(self, embeddings: Embeddings, restrict_vocab: int | None,
                 case_insensitive: bool) -> None:
        total = len(embeddings.words)
        self.size = total if restrict_vocab is None else min(restrict_vocab, total)
        self.case_insensitive = case_insensitive
        words = embeddings.words[:self.size]
        keys = [word.upper() for word in words] if case_insensitive else list(words)
        # written last to first, the most frequent row of a key is the one kept (gensim's
        # `{k.upper(): index for k in reversed(ok_keys)}`)
        self.row_of_key = dict(zip(reversed(keys), range(self.size - 1, -1, -1), strict=True))
        if len(self.row_of_key) == self.size:
            self.rep_of_row = np.arange(self.size, dtype=np.int64)
        else:
            self.rep_of_row = np.fromiter((self.row_of_key[k] for k in keys), np.int64,
                                          self.size)
        variants = np.flatnonzero(self.rep_of_row != np.arange(self.size))
        self.variant_rows = variants[np.argsort(self.rep_of_row[variants], kind="stable")]
        self.variant_start = np.searchsorted(self.rep_of_row[self.variant_rows],
                                             np.arange(self.size + 1))

    def key(self, word: str) -> str:
        return word.upper() if self.case_insensitive else word

    def rows(self, words: list[str]) -> np.ndarray:
        """(len(words),) int64: the row standing for each word, -1 outside the vocabulary.
        Each distinct word is looked up once."""
        distinct: dict[str, int] = {}
        codes = np.fromiter((distinct.setdefault(w, len(distinct)) for w in words), np.int64,
                            len(words))
        found = np.fromiter((self.row_of_key.get(self.key(w), -1) for w in distinct),
                            np.int64, len(distinct))
        return found[codes] if len(words) else np.empty(0, dtype=np.int64)




def check_positive(name: str, value: object, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        none = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a whole number of at least 1{none}; got {value!r}.")



"""Benchmark data: a real-English corpus of ~740k tokens and gensim's evaluation files.

Everything comes from packages and ../shared/data; nothing is downloaded. The corpus
joins the Wikipedia extract that ships in gensim's wheel (~453k tokens), the Stanford
Sentiment Treebank sentences (~227k, from ../shared/data/sst) and the Lee news corpus
(~60k, also in gensim's wheel), each line already tokenized by Word2Vec Studio's
tokenizer, so that both trainers read exactly the same tokens.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SHARED_SST = ROOT.parent / "shared" / "data" / "sst" / "datasetSentences.txt"


def gensim_test_data() -> Path:
    try:
        import gensim
    except ImportError:
        sys.exit("The benchmarks need gensim: .venv/bin/pip install -e '.[bench]' "
                 "(or: .venv/bin/pip install gensim)")
    return Path(gensim.__file__).parent / "test" / "test_data"


def benchmark_corpus() -> Path:
    """Write (once) and return bench/out/wiki_sst_lee.txt."""
    from core.data.reading import iter_sentences, tokenize

    target = OUT / "wiki_sst_lee.txt"
    if target.exists():
        return target
    OUT.mkdir(parents=True, exist_ok=True)
    data = gensim_test_data()
    from gensim.corpora.wikicorpus import WikiCorpus

    wiki = WikiCorpus(
        str(data / "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"),
        dictionary={}, processes=1)
    partial = target.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for article in wiki.get_texts():
            out.write(" ".join(tokenize(" ".join(article))) + "\n")
        if SHARED_SST.exists():
            for sentence in iter_sentences(SHARED_SST):
                tokens = tokenize(" ".join(sentence))
                if tokens:
                    out.write(" ".join(tokens) + "\n")
        else:
            print(f"note: {SHARED_SST} is absent; the corpus has no SST part", file=sys.stderr)
        for line in (data / "lee_background.cor").read_text(encoding="utf-8").splitlines():
            tokens = tokenize(line)
            if tokens:
                out.write(" ".join(tokens) + "\n")
    partial.replace(target)
    return target


def evaluation_files() -> tuple[Path, Path]:
    data = gensim_test_data()
    return data / "questions-words.txt", data / "wordsim353.tsv"

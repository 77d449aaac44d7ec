"""The CS224n word2vec handout's own names and signatures, as thin aliases over `core`.

A student can point the course's test script (or `run.py`) at this module:

    from core.cs224n import *   # sigmoid, softmax, normalizeRows, skipgram, sgd, ...

The 2017 handout's names are here too where they mean the same: `softmaxCostAndGradient`,
`negSamplingCostAndGradient`, `sigmoid_grad` and `load_saved_params`.
`python -m core.cs224n` runs the course's sanity checks (core.cs224n.checks) and prints
each expected value beside the computed one.

Random-number use follows the handout so that its published sanity values come out:
negative samples call `dataset.sampleTokenIdx()` once per draw, in order, redrawing a
draw equal to the outside word; skip-gram visits outside words in the order given;
`word2vec_sgd_wrapper` averages 50 windows, each of size `random.randint(1, windowSize)`.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from core.cs224n import models
from core.cs224n import sgd as sgd_module
from core.data.corpus import HandoutDataset, load_corpus
from core.math import functions, gradcheck, losses

__all__ = [
    "sigmoid",
    "softmax",
    "normalizeRows",
    "naiveSoftmaxLossAndGradient",
    "getNegativeSamples",
    "negSamplingLossAndGradient",
    "skipgram",
    "cbow",
    "word2vec_sgd_wrapper",
    "sgd",
    "gradcheck_naive",
    "StanfordSentiment",
    # the 2017 handout's names
    "sigmoid_grad",
    "softmaxCostAndGradient",
    "negSamplingCostAndGradient",
    "load_saved_params",
]

BATCH_SIZE = 50


def sigmoid(x):
    return functions.sigmoid(x)


def softmax(x):
    return functions.softmax(x)


def normalizeRows(x):
    return functions.normalize_rows(x)


def sigmoid_grad(s):
    """The 2017 handout's derivative of the sigmoid, from its value: σ'(x) = s (1 − s)."""
    s = np.asarray(s, dtype=np.float64)
    return s * (1.0 - s)


def naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    return losses.naive_softmax_loss_and_gradient(centerWordVec, outsideWordIdx, outsideVectors)


def getNegativeSamples(outsideWordIdx, dataset, K):
    return losses.draw_negative_samples(outsideWordIdx, dataset.sampleTokenIdx, K)


def negSamplingLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
    negatives = getNegativeSamples(outsideWordIdx, dataset, K)
    return losses.neg_sampling_loss_and_gradient(
        centerWordVec, outsideWordIdx, outsideVectors, negatives
    )


def softmaxCostAndGradient(predicted, target, outputVectors, dataset):
    """The 2017 handout's name for naiveSoftmaxLossAndGradient: (cost, gradPred, grad)."""
    return naiveSoftmaxLossAndGradient(predicted, target, outputVectors, dataset)


def negSamplingCostAndGradient(predicted, target, outputVectors, dataset, K=10):
    """The 2017 handout's name for negSamplingLossAndGradient: (cost, gradPred, grad)."""
    return negSamplingLossAndGradient(predicted, target, outputVectors, dataset, K)


def _by_words(model, center_word, outside_words, word2Ind, center_vectors, outside_vectors,
              dataset, word2vecLossAndGradient):
    """Run a core model on words instead of indices, with the handout's loss signature."""
    return model(
        word2Ind[center_word],
        [word2Ind[word] for word in outside_words],
        center_vectors,
        outside_vectors,
        lambda vector, index, outside: word2vecLossAndGradient(vector, index, outside, dataset),
    )


def skipgram(
    currentCenterWord,
    windowSize,
    outsideWords,
    word2Ind,
    centerWordVectors,
    outsideVectors,
    dataset,
    word2vecLossAndGradient=naiveSoftmaxLossAndGradient,
):
    return _by_words(models.skipgram, currentCenterWord, outsideWords, word2Ind,
                     centerWordVectors, outsideVectors, dataset, word2vecLossAndGradient)


def cbow(
    currentCenterWord,
    windowSize,
    outsideWords,
    word2Ind,
    centerWordVectors,
    outsideVectors,
    dataset,
    word2vecLossAndGradient=naiveSoftmaxLossAndGradient,
):
    """CBOW in skip-gram's shape: the context words' vectors are summed (see core.cs224n.models)."""
    return _by_words(models.cbow, currentCenterWord, outsideWords, word2Ind,
                     centerWordVectors, outsideVectors, dataset, word2vecLossAndGradient)


def word2vec_sgd_wrapper(
    word2vecModel,
    word2Ind,
    wordVectors,
    dataset,
    windowSize,
    word2vecLossAndGradient=naiveSoftmaxLossAndGradient,
):
    """Average loss and gradient over 50 random windows; center rows first, then outside."""
    half = wordVectors.shape[0] // 2
    center_vectors = wordVectors[:half]
    outside_vectors = wordVectors[half:]
    loss = 0.0
    grad = np.zeros(wordVectors.shape)
    for _ in range(BATCH_SIZE):
        window = random.randint(1, windowSize)
        center_word, context = dataset.getRandomContext(window)
        window_loss, grad_center, grad_outside = word2vecModel(
            center_word, window, context, word2Ind, center_vectors, outside_vectors,
            dataset, word2vecLossAndGradient,
        )
        loss += window_loss / BATCH_SIZE
        grad[:half] += grad_center / BATCH_SIZE
        grad[half:] += grad_outside / BATCH_SIZE
    return loss, grad


def sgd(f, x0, step, iterations, postprocessing=None, useSaved=False, PRINT_EVERY=10):
    """The handout's SGD: with useSaved, checkpoints go to (and resume from) the current folder."""
    return sgd_module.sgd(
        f,
        x0,
        step,
        iterations,
        postprocessing,
        print_every=PRINT_EVERY,
        checkpoint_dir="." if useSaved else None,
        resume=useSaved,
    )


def load_saved_params():
    """The 2017 handout's resume: (iteration, parameters, Python's random state) of the
    newest checkpoint `sgd(..., useSaved=True)` wrote in the current folder, or
    (0, None, None) when there is none. Loading also restores NumPy's random state."""
    path = sgd_module.latest_checkpoint(".")
    if path is None:
        return 0, None, None
    iteration, x, _step, _exploss = sgd_module.load_checkpoint(path)
    return iteration, x, random.getstate()


def gradcheck_naive(f, x, gradientText=""):
    """Check f's gradient at x, print the verdict, and return the worst error found."""
    return gradcheck.check_gradient(f, x, label=gradientText, verbose=True)


class StanfordSentiment:
    """The handout's treebank dataset: `tokens()`, `sampleTokenIdx()`, `getRandomContext(C)`.

    `path` is the folder holding `datasetSentences.txt` (the handout's default) or the
    file itself; any plain-text corpus works too.
    """

    def __init__(self, path=None, tablesize=1000000):
        source = Path(path or "utils/datasets/stanfordSentimentTreebank")
        if source.is_dir() and (source / "datasetSentences.txt").exists():
            source = source / "datasetSentences.txt"
        self.path = source
        self._dataset = HandoutDataset(load_corpus(source), table_size=tablesize)
        self.tablesize = tablesize

    def tokens(self):
        return self._dataset.word_to_index

    def tokenFrequencies(self):
        return self._dataset.token_frequencies()

    @property
    def _tokenfreq(self):
        return self.tokenFrequencies()

    @property
    def _revtokens(self):
        return self._dataset.words

    @property
    def _wordcount(self):
        return int(self._dataset.counts.sum())

    def sentences(self):
        corpus = self._dataset.corpus
        return [[corpus.words[i] for i in corpus.sentence(s)] for s in range(corpus.sentence_count)]

    def numSentences(self):
        return self._dataset.corpus.sentence_count

    def rejectProb(self):
        return self._dataset.reject_probabilities()

    def sampleTable(self):
        return self._dataset.sample_table()

    def sampleTokenIdx(self):
        return self._dataset.sample_token_index()

    def getRandomContext(self, C=5):
        center, context = self._dataset.random_context(C)
        words = self._dataset.words
        return words[center], [words[i] for i in context]


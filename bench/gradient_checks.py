"""Print the worst relative error of every gradient check: both losses × skip-gram and CBOW.

    .venv/bin/python -m bench.gradient_checks

Each row checks, by central differences (core.math.gradcheck), the gradient of the handout's
50-window wrapper (`word2vec_sgd_wrapper`, window size 5) for one model and loss, on a
random vocabulary of 5-14 words and 3-8 dimensions with uniformly drawn centers, context
and noise words; three seeds, so twelve rows. The course's 5-word dummy dataset and its
published sanity values are checked by tests/core/test_cs224n.py, not here.

Then the fast trainer's own batched functions (core.train.gradcheck, what `gradcheck
MODEL.npz` and the app's Check gradients run): each model × loss (and CBOW's mean) trained
for one epoch on the toy world at dim 50, then checked on 8 windows at those parameters.
"""

from __future__ import annotations

import random

import numpy as np

import core.cs224n as cs224n
from core.math.gradcheck import check_gradient


def random_dataset(vocab: int, rng: np.random.Generator):
    words = [f"w{i}" for i in range(vocab)]
    dataset = type("random_dataset", (), {})()
    dataset.sampleTokenIdx = lambda: random.randint(0, vocab - 1)
    dataset.getRandomContext = lambda C: (
        words[random.randint(0, vocab - 1)],
        [words[random.randint(0, vocab - 1)] for _ in range(2 * C)],
    )
    return dataset, {w: i for i, w in enumerate(words)}


def main() -> None:
    losses = {"naive softmax": cs224n.naiveSoftmaxLossAndGradient,
              "negative sampling": cs224n.negSamplingLossAndGradient}
    models = {"skip-gram": cs224n.skipgram, "CBOW": cs224n.cbow}
    print(f"{'model':10} {'loss':18} {'shape':>8} {'worst rel. error':>17}")
    overall = 0.0
    for seed in range(3):
        rng = np.random.default_rng(seed)
        vocab, dim = int(rng.integers(5, 15)), int(rng.integers(3, 9))
        for model_name, model in models.items():
            for loss_name, loss in losses.items():
                random.seed(seed)
                dataset, tokens = random_dataset(vocab, rng)
                x = cs224n.normalizeRows(rng.normal(size=(2 * vocab, dim)))
                result = check_gradient(
                    lambda v, m=model, lo=loss, d=dataset, t=tokens: cs224n.word2vec_sgd_wrapper(
                        m, t, v, d, 5, lo), x)
                overall = max(overall, result.worst_error)
                print(f"{model_name:10} {loss_name:18} {f'{vocab}x{dim}':>8} "
                      f"{result.worst_error:17.2e}")
    print(f"worst over all checks: {overall:.2e} (target <= 1e-7)\n")
    trained_models()


def trained_models() -> None:
    from core.data.corpus import Corpus
    from core.train.config import PRESETS
    from core.train.gradcheck import check_model_gradient
    from core.train.trainer import Trainer
    from resources.toy_world import generate_sentences

    corpus = Corpus.from_sentences(list(generate_sentences()))
    print("the trainer's batched functions after one epoch on the toy world (dim 50):")
    worst = 0.0
    for model, loss, mean in (("skipgram", "neg", False), ("skipgram", "softmax", False),
                              ("cbow", "neg", False), ("cbow", "neg", True),
                              ("cbow", "softmax", False), ("cbow", "softmax", True)):
        config = PRESETS["quick_demo"].replace(model=model, loss=loss, cbow_mean=mean,
                                               epochs=1)
        trainer = Trainer(corpus, config)
        trainer.train()
        check = check_model_gradient(trainer)
        worst = max(worst, check.worst_relative_error)
        print("  " + check.summary() + (" (cbow_mean)" if mean else ""))
    print(f"worst: {worst:.2e} (target <= 1e-7)")


if __name__ == "__main__":
    main()

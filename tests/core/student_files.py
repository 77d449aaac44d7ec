"""A student's word2vec.py and sgd.py as the assignment has them written, and the usual
mistakes made in them, for the tests of `run.py check` and the Check panel."""

from __future__ import annotations

from pathlib import Path

WORD2VEC = '''#!/usr/bin/env python

import argparse
import numpy as np
import random

from utils.gradcheck import gradcheck_naive, grad_tests_softmax, grad_tests_negsamp
from utils.utils import normalizeRows, softmax


def sigmoid(x):
    ### YOUR CODE HERE (~1 Line)
    s = 1 / (1 + np.exp(-x))
    ### END YOUR CODE
    return s


def naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    ### YOUR CODE HERE (~6-8 Lines)
    y_hat = softmax(outsideVectors @ centerWordVec)
    loss = -np.log(y_hat[outsideWordIdx])
    delta = y_hat.copy()
    delta[outsideWordIdx] -= 1
    gradCenterVec = outsideVectors.T @ delta
    gradOutsideVecs = np.outer(delta, centerWordVec)
    ### END YOUR CODE
    return loss, gradCenterVec, gradOutsideVecs


def getNegativeSamples(outsideWordIdx, dataset, K):
    negSampleWordIndices = [None] * K
    for k in range(K):
        newidx = dataset.sampleTokenIdx()
        while newidx == outsideWordIdx:
            newidx = dataset.sampleTokenIdx()
        negSampleWordIndices[k] = newidx
    return negSampleWordIndices


def negSamplingLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset,
                               K=10):
    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)
    indices = [outsideWordIdx] + negSampleWordIndices
    ### YOUR CODE HERE (~10 Lines)
    u_o = outsideVectors[outsideWordIdx]
    s_o = sigmoid(u_o @ centerWordVec)
    loss = -np.log(s_o)
    gradCenterVec = (s_o - 1) * u_o
    gradOutsideVecs = np.zeros_like(outsideVectors)
    gradOutsideVecs[outsideWordIdx] += (s_o - 1) * centerWordVec
    for k in negSampleWordIndices:
        s_k = sigmoid(-outsideVectors[k] @ centerWordVec)
        loss -= np.log(s_k)
        gradCenterVec += (1 - s_k) * outsideVectors[k]
        gradOutsideVecs[k] += (1 - s_k) * centerWordVec
    ### END YOUR CODE
    return loss, gradCenterVec, gradOutsideVecs


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind,
             centerWordVectors, outsideVectors, dataset,
             word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)
    ### YOUR CODE HERE (~8 Lines)
    c = word2Ind[currentCenterWord]
    for word in outsideWords:
        l, gc, go = word2vecLossAndGradient(centerWordVectors[c], word2Ind[word],
                                            outsideVectors, dataset)
        loss += l
        gradCenterVecs[c] += gc
        gradOutsideVectors += go
    ### END YOUR CODE
    return loss, gradCenterVecs, gradOutsideVectors


def word2vec_sgd_wrapper(word2vecModel, word2Ind, wordVectors, dataset,
                         windowSize,
                         word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    batchsize = 50
    loss = 0.0
    grad = np.zeros(wordVectors.shape)
    N = wordVectors.shape[0]
    centerWordVectors = wordVectors[:int(N/2),:]
    outsideVectors = wordVectors[int(N/2):,:]
    for i in range(batchsize):
        windowSize1 = random.randint(1, windowSize)
        centerWord, context = dataset.getRandomContext(windowSize1)
        c, gin, gout = word2vecModel(
            centerWord, windowSize1, context, word2Ind, centerWordVectors,
            outsideVectors, dataset, word2vecLossAndGradient
        )
        loss += c / batchsize
        grad[:int(N/2), :] += gin / batchsize
        grad[int(N/2):, :] += gout / batchsize
    return loss, grad


def test_word2vec():
    dataset = type('dummy', (), {})()
    def dummySampleTokenIdx():
        return random.randint(0, 4)
    def getRandomContext(C):
        tokens = ["a", "b", "c", "d", "e"]
        return tokens[random.randint(0,4)], [tokens[random.randint(0,4)] for i in range(2*C)]
    dataset.sampleTokenIdx = dummySampleTokenIdx
    dataset.getRandomContext = getRandomContext
    random.seed(31415)
    np.random.seed(9265)
    dummy_vectors = normalizeRows(np.random.randn(10,3))
    dummy_tokens = dict([("a",0), ("b",1), ("c",2),("d",3),("e",4)])
    gradcheck_naive(lambda vec: word2vec_sgd_wrapper(
        skipgram, dummy_tokens, vec, dataset, 5, naiveSoftmaxLossAndGradient),
        dummy_vectors, "naiveSoftmaxLossAndGradient Gradient")
    grad_tests_softmax(skipgram, dummy_tokens, dummy_vectors, dataset)
    gradcheck_naive(lambda vec: word2vec_sgd_wrapper(
        skipgram, dummy_tokens, vec, dataset, 5, negSamplingLossAndGradient),
        dummy_vectors, "negSamplingLossAndGradient Gradient")
    grad_tests_negsamp(skipgram, dummy_tokens, dummy_vectors, dataset, negSamplingLossAndGradient)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description='Test your implementations.')
    parser.add_argument('function', nargs='?', type=str, default='all')
    args = parser.parse_args()
    test_word2vec()
'''

SGD = '''#!/usr/bin/env python

SAVE_PARAMS_EVERY = 5000

import pickle
import glob
import random
import numpy as np
import os.path as op


def sgd(f, x0, step, iterations, postprocessing=None, useSaved=False,
        PRINT_EVERY=10):
    ANNEAL_EVERY = 20000
    start_iter = 0
    x = x0
    if not postprocessing:
        postprocessing = lambda x: x
    exploss = None
    for iter in range(start_iter + 1, iterations + 1):
        loss = None
        ### YOUR CODE HERE (~2 lines)
        loss, grad = f(x)
        x -= step * grad
        ### END YOUR CODE
        x = postprocessing(x)
        if iter % PRINT_EVERY == 0:
            if not exploss:
                exploss = loss
            else:
                exploss = .95 * exploss + .05 * loss
            print("iter %d: %f" % (iter, exploss))
        if iter % ANNEAL_EVERY == 0:
            step *= 0.5
    return x
'''

# (what is replaced, by what) in WORD2VEC or SGD: one usual mistake each
MISTAKES = {
    "sign flipped": ("gradCenterVec = outsideVectors.T @ delta",
                     "gradCenterVec = -(outsideVectors.T @ delta)"),
    "transposed": ("gradOutsideVecs = np.outer(delta, centerWordVec)",
                   "gradOutsideVecs = np.outer(centerWordVec, delta)"),
    "constant factor": ("gradCenterVec = outsideVectors.T @ delta",
                        "gradCenterVec = 2 * outsideVectors.T @ delta"),
    "not accumulated": ("        loss += l\n        gradCenterVecs[c] += gc\n"
                        "        gradOutsideVectors += go",
                        "        loss = l\n        gradCenterVecs[c] = gc\n"
                        "        gradOutsideVectors = go"),
    "noise sign": ("s_k = sigmoid(-outsideVectors[k] @ centerWordVec)\n"
                   "        loss -= np.log(s_k)\n"
                   "        gradCenterVec += (1 - s_k) * outsideVectors[k]\n"
                   "        gradOutsideVecs[k] += (1 - s_k) * centerWordVec",
                   "s_k = sigmoid(outsideVectors[k] @ centerWordVec)\n"
                   "        loss -= np.log(s_k)\n"
                   "        gradCenterVec += (s_k - 1) * outsideVectors[k]\n"
                   "        gradOutsideVecs[k] += (s_k - 1) * centerWordVec"),
    "not redrawn": ("        while newidx == outsideWordIdx:\n"
                    "            newidx = dataset.sampleTokenIdx()\n", ""),
    "raises": ("s = 1 / (1 + np.exp(-x))", "s = 1 / (1 + np.exp(-x)).item()"),
    "repeats": ("    for k in negSampleWordIndices:\n"
                "        s_k = sigmoid(-outsideVectors[k] @ centerWordVec)\n"
                "        loss -= np.log(s_k)\n"
                "        gradCenterVec += (1 - s_k) * outsideVectors[k]\n"
                "        gradOutsideVecs[k] += (1 - s_k) * centerWordVec\n",
                "    neg = np.array(negSampleWordIndices)\n"
                "    s_k = sigmoid(-outsideVectors[neg] @ centerWordVec)\n"
                "    loss -= np.sum(np.log(s_k))\n"
                "    gradCenterVec += (1 - s_k) @ outsideVectors[neg]\n"
                "    gradOutsideVecs[neg] += np.outer(1 - s_k, centerWordVec)\n"),
    "averaged": ("        loss += l\n", "        loss += l / len(outsideWords)\n"),
    "never returns": ("    negSampleWordIndices = [None] * K\n",
                      "    negSampleWordIndices = [None] * K\n    while True:\n"
                      "        pass\n"),
    "stub": ("    s = 1 / (1 + np.exp(-x))\n", ""),
    "sgd sign": ("x -= step * grad", "x += step * grad"),
    "sgd no step": ("x -= step * grad", "x = x - grad"),
    "sgd overshoots": ("x -= step * grad", "x = x - 2 * grad"),
    "ignores the loss": ("l, gc, go = word2vecLossAndGradient(",
                         "l, gc, go = naiveSoftmaxLossAndGradient("),
    "every row": ("gradCenterVecs[c] += gc", "gradCenterVecs += gc"),
    "no return": ("gradOutsideVecs = np.outer(delta, centerWordVec)\n    ### END YOUR CODE\n"
                  "    return loss, gradCenterVec, gradOutsideVecs\n",
                  "gradOutsideVecs = np.outer(delta, centerWordVec)\n    ### END YOUR CODE\n"),
}


def with_mistakes(*names: str) -> tuple[str, str]:
    """(word2vec.py, sgd.py) with these mistakes made (one function each)."""
    word2vec, sgd = WORD2VEC, SGD
    for name in names:
        old, new = MISTAKES[name]
        if name.startswith("sgd"):
            assert old in sgd, name
            sgd = sgd.replace(old, new)
        else:
            assert old in word2vec, name
            word2vec = word2vec.replace(old, new)
    return word2vec, sgd


def write(folder: Path, word2vec: str = WORD2VEC, sgd: str = SGD) -> tuple[Path, Path]:
    (folder / "word2vec.py").write_text(word2vec, encoding="utf-8")
    (folder / "sgd.py").write_text(sgd, encoding="utf-8")
    return folder / "word2vec.py", folder / "sgd.py"

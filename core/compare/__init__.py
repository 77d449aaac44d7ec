"""How two embeddings differ: aligned on their shared words by orthogonal Procrustes,
each shared word's neighbourhood compared (core.compare.comparison)."""

from core.compare.comparison import CompareError, Comparison, WordChange, compare

__all__ = ["CompareError", "Comparison", "WordChange", "compare"]

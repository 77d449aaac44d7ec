"""`from utils.treebank import StanfordSentiment`: the handout's dataset over any corpus
(core.cs224n.StanfordSentiment)."""

from core.cs224n import StanfordSentiment

__all__ = ["StanfordSentiment"]

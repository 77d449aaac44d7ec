"""Training on every core: worker processes that share the vectors and the text."""

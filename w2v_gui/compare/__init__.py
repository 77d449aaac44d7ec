"""Comparing two embeddings in the app: the Compare window and its comparison."""

"""A student's own word2vec.py in the app: chosen, checked, watched and trained."""

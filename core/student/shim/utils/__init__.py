"""The course's `utils` package as a student's word2vec.py imports it, over core.cs224n.

Put on the path (first) only in the process that checks or trains a student's file."""

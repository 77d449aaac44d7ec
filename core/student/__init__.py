"""A student's own word2vec.py and sgd.py: checked function by function in a process of
their own (runner, probe, checks_of, diagnose), with the course's `utils` modules
provided (shim/utils) so that an unchanged assignment file imports."""

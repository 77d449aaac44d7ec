"""Word2Vec Studio's math: pure NumPy/SciPy, usable from a script or notebook with no display."""

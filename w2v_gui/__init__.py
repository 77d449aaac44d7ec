"""Word2Vec Studio's desktop app: everything that touches Qt lives in this package."""

"""QObjects without widgets, one job each; the main window composes them."""

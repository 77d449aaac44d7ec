"""Run every benchmark in turn: python3 run.py bench (or .venv/bin/python -m bench)."""

from bench import (
    compare_gensim,
    cs224n_preset,
    evaluation,
    explorer_responsiveness,
    map_paint,
    map_truth,
    memory,
    open_vectors,
    queries,
    responsiveness,
    softmax_speed,
)

SECTIONS = [
    ("Throughput and quality against gensim (skip-gram)", compare_gensim.main),
    ("The cs224n preset against the handout's per-example code", cs224n_preset.main),
    ("Naive softmax against negative sampling", softmax_speed.main),
    ("Memory on a text8-size corpus", memory.main),
    ("The window's responsiveness while it trains", responsiveness.main),
    ("Does the map tell the truth? Neighbours kept by PCA and the live t-SNE",
     map_truth.main),
    ("Opening 400,000 x 300 vectors against gensim", open_vectors.main),
    ("Nearest words and analogies at 400,000 words", queries.main),
    ("Painting the map at 20,000 words", map_paint.main),
    ("The window's responsiveness with 400,000 words open", explorer_responsiveness.main),
    ("Analogy and word-pair evaluation against gensim", evaluation.main),
]

for title, run in SECTIONS:
    print(f"\n=== {title}", flush=True)
    run([])

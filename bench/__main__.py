"""Run every benchmark in turn: python3 run.py bench (or .venv/bin/python -m bench)."""

from bench import compare_gensim, cs224n_preset, memory, responsiveness, softmax_speed

SECTIONS = [
    ("Throughput and quality against gensim (skip-gram)", compare_gensim.main),
    ("The cs224n preset against the handout's per-example code", cs224n_preset.main),
    ("Naive softmax against negative sampling", softmax_speed.main),
    ("Memory on a text8-size corpus", memory.main),
    ("The window's responsiveness while it trains", responsiveness.main),
]

for title, run in SECTIONS:
    print(f"\n=== {title}", flush=True)
    run([])

"""tenantry's benchmark suite: ``python -m bench`` (or ``make bench``).

Benchmarks, not tests: nothing here asserts on timings. Each benchmark module
exposes ``run(ctx) -> list[Result]``; ``bench/__main__.py`` runs them, prints one
table and writes ``bench/results/latest.json``.
"""

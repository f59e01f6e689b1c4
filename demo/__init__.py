"""Synthetic data: the demo registry (``load_demo``, ``setup_demo``) and the province-scale
dataset generator for the benchmark (``generate_dataset``). Nothing here is real data."""

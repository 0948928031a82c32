"""Shared readers, writers, limits and output sets, below both products."""

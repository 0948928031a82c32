"""Indicator catalogues and codebooks, one file per survey year."""

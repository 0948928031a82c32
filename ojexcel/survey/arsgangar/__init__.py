"""The embedded årgångar (survey years as data): one folder per year, read by survey/arsgang.py."""

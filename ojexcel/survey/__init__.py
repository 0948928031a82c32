"""The survey product: Öppna jämförelser, Våld i nära relationer (CONTRACT.md)."""

"""An independent implementation of the ISU contract, for cross-checking `ojexcel isu build`.

`oracle` — valid record CSV → the tidy export's exact text (CONTRACT §1–§6, plain Python).
`datasets` — seeded generators of valid, varied record files the project has never seen.
`python -m tests.isu_oracle RECORDS.csv [--minsta-antal N] [--period F:T] > tidy.csv`.
READING.md — how the oracle reads the places where the contract is ambiguous.
"""

"""LibreOffice as a reader would print a workbook: `pdf_pages(book, tmp_path)` converts it to PDF
headless (a private profile) and returns each page's text (pdftotext -layout). Skips the test
where `soffice` or `pdftotext` is missing."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def soffice_or_skip() -> str:
    """LibreOffice's command, or the test skips."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return soffice


def pdf_pages(book: Path, tmp_path: Path) -> list[str]:
    soffice, pdftotext = soffice_or_skip(), shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext is not installed")
    out = tmp_path / "pdf"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(out), str(book)], check=True, capture_output=True,
                   timeout=240)
    text = subprocess.run([pdftotext, "-layout", str(out / (book.stem + ".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def first_line(page: str) -> str:
    return next(line.strip() for line in page.splitlines() if line.strip())

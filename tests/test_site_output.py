"""A folder as one all-or-nothing output (`io.output.atomic_folder`, for `ojexcel site`), and
the rule that a folder is replaced only when it holds nothing but an earlier site (D138)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ojexcel.io.output import OutputError, atomic_folder
from ojexcel.site.build import MANIFEST_HEAD, check_replaceable


def old_site(folder):
    folder.mkdir()
    (folder / "enhet").mkdir()
    (folder / "index.html").write_text("old index", encoding="utf-8")
    (folder / "enhet" / "0114.html").write_text("old page", encoding="utf-8")
    (folder / "ojexcel-site.txt").write_text(MANIFEST_HEAD + "enhet/0114.html\nindex.html\nojexcel-site.txt\n",
                                             encoding="utf-8")
    return folder


def fill(tmp, text="new"):
    (tmp / "index.html").write_text(text, encoding="utf-8")
    (tmp / "ojexcel-site.txt").write_text(MANIFEST_HEAD + "index.html\nojexcel-site.txt\n", encoding="utf-8")


def test_a_new_folder_appears_whole(tmp_path):
    out = tmp_path / "webb"
    with atomic_folder(out) as tmp:
        fill(tmp)
        assert not out.exists()
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert oct(out.stat().st_mode & 0o777) == "0o755"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webb"]


def test_an_earlier_site_is_replaced_as_a_whole(tmp_path):
    out = old_site(tmp_path / "webb")
    with atomic_folder(out, may_replace=check_replaceable) as tmp:
        fill(tmp)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "ojexcel-site.txt"]  # old files gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webb"]


def test_a_failure_leaves_the_old_site(tmp_path):
    out = old_site(tmp_path / "webb")
    with pytest.raises(RuntimeError):
        with atomic_folder(out, may_replace=check_replaceable) as tmp:
            fill(tmp)
            raise RuntimeError("a page failed")
    assert (out / "enhet" / "0114.html").read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webb"]


def test_a_failing_rename_restores_the_old_site(tmp_path, monkeypatch):
    out = old_site(tmp_path / "webb")
    monkeypatch.setenv("OJEXCEL_TEST_FAULT", "fail-rename:1")
    with pytest.raises(OSError):
        with atomic_folder(out, may_replace=check_replaceable) as tmp:
            fill(tmp)
    assert (out / "index.html").read_text(encoding="utf-8") == "old index"
    assert (out / "enhet" / "0114.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webb"]


KILLED = """
import sys
from pathlib import Path
from ojexcel.io.output import atomic_folder
from ojexcel.site.build import check_replaceable
with atomic_folder(Path(sys.argv[1]), may_replace=check_replaceable) as tmp:
    (tmp / "index.html").write_text("new", encoding="utf-8")
"""


@pytest.mark.parametrize("fault,expected", [("kill-rename:1", "old index"), ("kill-committed:1", "new")])
def test_a_kill_during_the_commit_leaves_one_site_after_recovery(tmp_path, fault, expected):
    out = old_site(tmp_path / "webb")
    env = {**os.environ, "OJEXCEL_TEST_FAULT": fault}
    proc = subprocess.run([sys.executable, "-c", KILLED, str(out)], env=env, capture_output=True)
    assert proc.returncode == -9
    with atomic_folder(tmp_path / "other"):  # any later run writing beside it recovers first
        pass
    assert (out / "index.html").read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "webb"]


def test_a_folder_with_other_files_is_refused(tmp_path):
    out = old_site(tmp_path / "webb")
    (out / "enhet" / "mina anteckningar.txt").write_text("x", encoding="utf-8")
    (out / "egen").mkdir()
    with pytest.raises(OutputError, match="2 file"):
        check_replaceable(out)
    with pytest.raises(OutputError, match="did not write"):
        with atomic_folder(out, may_replace=check_replaceable):
            pass
    assert (out / "enhet" / "mina anteckningar.txt").is_file()


def test_a_folder_without_manifest_or_a_symlink_is_refused(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="no ojexcel-site.txt"):
        check_replaceable(plain)
    out = old_site(tmp_path / "webb")
    os.symlink(plain / "a.txt", out / "länk.html")
    with pytest.raises(OutputError, match="länk.html"):
        check_replaceable(out)
    link = tmp_path / "link"
    os.symlink(out, link)
    with pytest.raises(OutputError, match="is not a folder"):
        with atomic_folder(link):
            pass


def test_empty_folder_is_replaced_and_inputs_inside_are_refused(tmp_path):
    empty = tmp_path / "tom"
    empty.mkdir()
    check_replaceable(empty)
    with atomic_folder(empty) as tmp:
        fill(tmp)
    assert (empty / "index.html").is_file()
    inside = empty / "index.html"
    with pytest.raises(OutputError, match="lies in the output folder"):
        with atomic_folder(empty, inputs=[inside], may_replace=check_replaceable):
            pass
    with pytest.raises(OutputError, match="lies in the output folder"):
        with atomic_folder(tmp_path, inputs=[inside]):
            pass

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# In CI, hypothesis explores the same examples every run: a red build is never a coin toss.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

from cbc_cli.model.edition import get_edition

# A reader failure that cbc would turn into "cannot be read" is a bug in a test: show it.
os.environ.setdefault("CBC_DEBUG", "1")
# The result cache of this test session lives in a folder of its own, never the user's.
import atexit  # noqa: E402
import tempfile  # noqa: E402

os.environ["CBC_CACHE_DIR"] = tempfile.mkdtemp(prefix="cbc-test-cache-")
atexit.register(shutil.rmtree, os.environ["CBC_CACHE_DIR"], True)  # and is gone after it

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def ed():
    return get_edition("2020")


@pytest.fixture(scope="session")
def notice_text() -> str:
    """The notice, with line breaks and blanks removed, to find labels in as printed."""
    path = SHARED / "seed" / "notice-2020.txt"
    if not path.is_file():
        pytest.skip("../shared/seed/notice-2020.txt is not available")
    return "".join(path.read_text(encoding="utf-8").split())


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_convert(path: Path, fmt: str, out_dir: Path, timeout: int = 180) -> Path:
    """Convert with LibreOffice in a private profile, so another soffice on the machine (a user's,
    or a parallel test's) can neither block nor be blocked by it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cbc-lo-") as profile:
        subprocess.run([soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(out_dir), str(path)],
                       check=True, capture_output=True, timeout=timeout)
    return out_dir / f"{path.stem}.{fmt.split(':')[0]}"


def to_pdf(path: Path, out_dir: Path) -> Path:
    return soffice_convert(path, "pdf", out_dir)


def pdf_pages(pdf: Path) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))

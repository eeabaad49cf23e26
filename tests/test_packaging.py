"""The wheel carries what cbc needs at run time: a fresh virtual environment, `pip install .`
(not editable), then `cbc new-form` and `cbc forms` work from anywhere."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_into_a_fresh_venv_and_runs(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
                             capture_output=True, text=True, env=env, timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([str(py), "-c", "import cbc_cli, sys; print(cbc_cli.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout  # the wheel, not the checkout
    made = subprocess.run([str(bindir / "cbc"), "new-form", "-o", "out"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    assert sorted(p.name for p in (work / "out").iterdir()) == ["附件1_统计表_2020.xlsx", "附件2_自查表_2020.xlsx"]
    listed = subprocess.run([str(bindir / "cbc"), "forms", "--format", "json"], capture_output=True, text=True,
                            cwd=work, env=env, timeout=120)
    assert listed.returncode == 0 and '"max": 57' in listed.stdout

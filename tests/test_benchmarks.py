"""Every benchmark still runs: each is started in its quick mode (small sizes, a few seconds), as a user
would start it, so a change that breaks one is caught here. Their figures are not asserted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.lrs import require_ralph

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted(path.stem for path in (ROOT / "benchmarks").glob("*.py") if not path.stem.startswith("_"))
SHARED = Path(os.environ.get("TRAMHOC_SHARED") or ROOT.parent / "shared")
NEEDS_CORPUS = {"build", "player", "preview", "search"}  # they generate their course with ../shared/bench/gen_corpus.py


def test_every_benchmark_is_checked_here():
    assert BENCHMARKS == ["build", "centre", "player", "practice", "preview", "progress", "quiz", "report",
                          "report_lrs", "search", "store", "sync"]


@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_runs_in_quick_mode(name, tmp_path):
    if name in NEEDS_CORPUS and not (SHARED / "bench" / "gen_corpus.py").is_file():
        pytest.skip(f"the corpus generator is not there: {SHARED / 'bench'} (../shared/ beside the project, or "
                    "TRAMHOC_SHARED)")
    if name in ("sync", "report_lrs"):
        require_ralph()
    if name == "preview" and not Path("/usr/bin/chromium").is_file():
        pytest.skip("benchmarks/preview.py drives Debian's chromium, which is not installed (apt-get install chromium)")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), "--quick"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"benchmarks/{name}.py --quick failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert done.stdout.strip(), f"benchmarks/{name}.py printed no figures"

"""Compile Python to bytecode for Lambda's runtime before it is zipped (the deployment package and the
dependency layer), so a cold start does not compile every module again: Lambda's /var/task and /opt
are read-only, so nothing compiled there is ever kept.

    python3 scripts/lambda_bytecode.py functions backend/yimen    # npm run package/deploy do this

Bytecode is version-specific: it is compiled by an interpreter of Lambda's Python (3.12): the one in
$YIMEN_LAMBDA_PYTHON, else python3.12 on PATH, else pyenv's. `unchecked-hash` pycs are used without
comparing the source's mtime, which the zip does not keep exactly."""

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

LAMBDA_PYTHON = "3.12"


def lambda_python() -> str:
    """Path of a python3.12 interpreter; exits with a plain message if there is none."""
    candidates = [
        os.environ.get("YIMEN_LAMBDA_PYTHON"),
        shutil.which(f"python{LAMBDA_PYTHON}"),
        *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{LAMBDA_PYTHON}*/bin/python3"))),
    ]
    for candidate in filter(None, candidates):
        if python_version(candidate) == LAMBDA_PYTHON or os.environ.get("YIMEN_LAMBDA_PYTHON") == candidate:
            return candidate
    sys.exit(
        f"Python {LAMBDA_PYTHON} (Lambda's runtime) is needed to compile bytecode: install it or set "
        "YIMEN_LAMBDA_PYTHON to its path"
    )


def python_version(python: str) -> str | None:
    done = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else None


def compile_tree(python: str, *paths: str | Path) -> None:
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j0", "--invalidation-mode", "unchecked-hash", *map(str, paths)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    compile_tree(lambda_python(), *sys.argv[1:])

"""AWS Lambda entry points, a few lines each over the same services as `yimen serve`.

The deployment package carries the code as backend/yimen (serverless.yml `package.patterns`);
third-party packages come from a layer. Put backend/ on the path once, here."""

import sys
from pathlib import Path

_BACKEND = Path(__file__).resolve().parents[1] / "backend"
if _BACKEND.is_dir() and str(_BACKEND) not in sys.path:
    sys.path.insert(0, str(_BACKEND))

"""The local SMS adapter: appends each message as a JSON line to a file under the data dir, so a
demo (and a test) can read exactly what would have been texted."""

import json
import os
import threading
from pathlib import Path

from yimen.ports import SmsSender


class LocalSmsSender(SmsSender):
    def __init__(self, path: Path, clock):
        self.path, self.clock = Path(path), clock
        self._lock = threading.Lock()

    def send(self, phone: str, text: str, ref: str) -> None:
        line = json.dumps(
            {"phone": phone, "text": text, "ref": ref, "at": self.clock.now().isoformat()}, ensure_ascii=False
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())

    def sent(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

"""moto's server, with one change to its speed only: moto 5.1 backs up a whole DynamoDB table before a
TransactWriteItems once per item in the transaction (100 deep copies of the table for a 100-item
transaction), so a county-sized money path times out on a shared test machine. Here each table is copied
once per transaction; every copy was of the same unchanged table, so what moto answers is the same.

Run as `python tests/e2e/moto_one_backup.py -H 127.0.0.1 -p <port>` (what moto_server takes)."""

import copy
import threading
import types

from moto.dynamodb import models
from moto.server import main

_local = threading.local()


def _deepcopy(obj, memo=None):
    backups = getattr(_local, "backups", None)
    if backups is None or not isinstance(obj, models.Table):
        return copy.deepcopy(obj, memo)
    if id(obj) not in backups:
        backups[id(obj)] = copy.deepcopy(obj)
    return backups[id(obj)]


_transact = models.DynamoDBBackend.transact_write_items


def _transact_with_one_backup(self, transact_items):
    _local.backups = {}
    try:
        return _transact(self, transact_items)
    finally:
        _local.backups = None


models.copy = types.SimpleNamespace(deepcopy=_deepcopy, copy=copy.copy)
models.DynamoDBBackend.transact_write_items = _transact_with_one_backup

if __name__ == "__main__":
    main()

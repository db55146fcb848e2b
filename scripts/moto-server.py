"""
moto's server (scripts/moto-server.sh runs this with the pinned moto) made to behave like DynamoDB
where the player store depends on it:

- One request at a time. moto's threaded server does not serialise writes to one item, so two
  conditional writes can both pass; DynamoDB serialises them.
- A cancelled transaction is rolled back item by item. moto deep-copies every table a transaction
  touches before it starts and restores those copies when it is cancelled: each transaction costs
  time in proportion to the tables' size (a quarter of a second per transaction with a few thousand
  items), and, without the lock above, a restore erases what other requests wrote meanwhile.

    python scripts/moto-server.py <port>
"""

import copy
import sys
import threading

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class _TablesNotCopied:
    """moto's transactions deep-copy whole tables to roll back; we roll back the touched items instead."""

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    copy = staticmethod(copy.copy)


dynamodb_models.copy = _TablesNotCopied
_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items


def _key_of(table, source):
    if table.hash_key_attr not in source:
        return None
    hash_value = DynamoType(source[table.hash_key_attr])
    if table.range_key_attr is None:
        return hash_value, None
    if table.range_key_attr not in source:
        return None
    return hash_value, DynamoType(source[table.range_key_attr])


def transact_write_items(self, transact_items):
    before = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = self.tables.get(op.get("TableName"))
        key = table and _key_of(table, op.get("Item") if op_type == "Put" else op.get("Key", {}))
        if key:
            before.append((table, key, copy.deepcopy(table.get_item(*key))))
    try:
        return _transact_write_items(self, transact_items)
    except Exception:
        for table, (hash_value, range_value), item in reversed(before):
            table.delete_item(hash_value, range_value)
            if item is not None and range_value is not None:
                table.items[hash_value][range_value] = item
            elif item is not None:
                table.items[hash_value] = item
        raise


dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def one_at_a_time(environ, start_response):
    with lock:
        return list(app(environ, start_response))


if __name__ == "__main__":
    run_simple(
        "127.0.0.1",
        int(sys.argv[1]),
        one_at_a_time,
        threaded=True,
        request_handler=MotoRequestHandler,
    )

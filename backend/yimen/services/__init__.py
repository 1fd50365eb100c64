"""Use cases over ports; nothing here imports Flask, sqlite3 or boto3."""

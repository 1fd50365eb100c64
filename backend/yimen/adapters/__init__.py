"""Adapters: each wraps one technology behind a port from yimen.ports."""

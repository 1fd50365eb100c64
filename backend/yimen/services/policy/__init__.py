"""Policy: the catalogue's pages (catalogue.py), the self-check 自测 (selfcheck.py) and the Q&A engine (qa/)."""

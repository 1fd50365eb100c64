"""一门 (yimen): one door for every kind of social assistance."""

"""Domain core: plain Python, no framework, database or cloud imports."""

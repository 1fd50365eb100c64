"""Flask entry points: one blueprint per audience, all thin."""

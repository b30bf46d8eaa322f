"""Stage 2, the check: the engine, its context and rule kinds, live re-check and folder batch."""

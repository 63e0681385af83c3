"""Demo data loaders of the training app (each with an idempotent load())."""

"""Activity kinds for course completion, one module per kind, each calling
`training.completion.register_activity_kind` (see that module's docstring)."""

"""Admin and site forms of the content app, one module per feature."""

"""Reads of the content app shared by views, one module per feature."""

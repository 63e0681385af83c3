"""Backups: one tar archive holding the database dump, every file of the private and the
public storage, and a manifest of SHA-256s (archive.py); restore into an empty database and
empty storages (restore.py); verify every stored file whose hash is published (verify.py)."""

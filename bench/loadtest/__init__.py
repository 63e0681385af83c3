"""Load and fault test (issue 18): Locust against gunicorn and PostgreSQL; see run.py."""

"""Support shared by the end-to-end tests and the benchmarks: real processes (Redis, Celery
workers, `manage.py`), throwaway databases and the data they are run against.

A package of its own, not under `tests/`, so that a benchmark never imports test code.
"""

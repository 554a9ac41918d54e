"""The therapist portal: escalation queue, patients, sessions, admin, JSON API.

``create_app()`` builds the FastAPI application; ``python -m bot portal``
serves it on 127.0.0.1:8000.
"""

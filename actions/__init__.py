"""Rasa SDK actions: thin adapters from Rasa to the ``bot`` package."""

"""Shared ground of every stage: settings, the taxonomy labels, text and file helpers.
Takes configuration files; hands typed options and helpers to every stage above.
"""

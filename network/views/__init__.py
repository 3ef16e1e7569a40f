"""Thin views, split by noun; urls.py imports them from their modules."""

"""Lapak Asik — contactless claims service."""

__version__ = "0.1.0"

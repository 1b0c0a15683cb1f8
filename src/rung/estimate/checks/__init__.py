"""Checks of an estimate against deliberately changed data: the refuters.

The public names are re-exported by :mod:`rung.estimate`.
"""

"""Command-line interface (see :mod:`rung.cli.main`)."""

__all__: list[str] = []

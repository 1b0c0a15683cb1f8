"""``python -m rung``: the same command line as ``rung``."""

from rung.cli.main import main

if __name__ == "__main__":
    main()

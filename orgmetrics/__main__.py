"""`python -m orgmetrics` runs the command-line interface."""

from orgmetrics.cli import main

if __name__ == "__main__":
    main()

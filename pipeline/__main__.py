"""`python -m pipeline` is the `reconcile` command."""

from pipeline.cli import main

main()

"""python -m cbc_cli: the same as the cbc command."""

from .cli import main

main()

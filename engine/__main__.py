"""`python -m engine` is the same command line as `nacm-ethics`."""
from .cli import main

main()

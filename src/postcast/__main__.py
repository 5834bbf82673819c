"""`python -m postcast` runs the command line."""

from postcast.service.cli import main

main()

"""`python -m ojexcel …`: the same command line as `ojexcel …`."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="ojexcel")

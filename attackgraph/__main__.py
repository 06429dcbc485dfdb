"""``python -m attackgraph``: the command line."""

import sys

from attackgraph.cli import main

if __name__ == "__main__":
    sys.exit(main())

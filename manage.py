#!/usr/bin/env python
"""Django's command-line utility; `marsad` (the console script) is the same with sub-commands."""

from marsad.__main__ import main

if __name__ == "__main__":
    main()

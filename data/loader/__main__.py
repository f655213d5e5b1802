"""Entry point for ``python -m data.loader``."""

from data.loader.cli import main

raise SystemExit(main())

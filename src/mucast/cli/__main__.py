"""python -m mucast.cli: the mucast command."""

from mucast.cli import main

raise SystemExit(main())

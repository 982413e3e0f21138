"""python -m mucast: the mucast command."""

from mucast.cli import main

raise SystemExit(main())

"""`python -m core.cs224n`: the course's sanity checks against this code (see checks.py)."""

from core.cs224n.checks import main

raise SystemExit(main())

#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Tasks (nox, https://nox.thea.codes): ``nox -l`` lists them, ``nox -s NAME`` runs one, and
``nox`` alone runs lint, typecheck and tests (``python noxfile.py`` works too). Arguments after
``--`` go to the tool, e.g. ``nox -s tests -- -x tests/test_cli.py``.

Each session builds its own virtual environment from pyproject.toml, so what it checks is the
package as a user installs it. CI (.ci/run) runs the tests and the type checker the same way.
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"   # session(default=...)
nox.options.default_venv_backend = "uv|virtualenv"


@nox.session
def tests(session: nox.Session) -> None:
    """The README's test command: the whole suite with the test extras."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, as configured in pyproject.toml (pre-commit runs the same hook on commits)."""
    session.install("ruff")
    session.run("ruff", "check", ".", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy on src/ ([tool.mypy] in pyproject.toml), with every optional dependency installed
    (their types are checked too, e.g. matplotlib's)."""
    session.install("-e", ".[all]", "mypy", "types-PyYAML", "types-tqdm")
    session.run("mypy", *session.posargs)


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """The documentation runs as written: every Python snippet of README.md and docs/, and the
    tutorial notebook."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", "tests/test_doc_snippets.py",
                "tests/test_tutorial.py", *session.posargs)


@nox.session(default=False)
def benchmarks(session: nox.Session) -> None:
    """The quick benchmarks (speed against their references; numbers in benchmarks/README.md).
    The start-up benchmark needs a reference tree: ``nox -s benchmarks -- /tmp/before/src``
    (``git archive <commit> src | tar -x -C /tmp/before``)."""
    session.install("-e", ".[all]")
    session.run("python", "benchmarks/bench_zprime.py")
    session.run("python", "benchmarks/bench_relic.py")
    session.run("python", "benchmarks/bench_exact.py", "--quick")
    session.run("python", "benchmarks/bench_eft.py", "--skip-reference")
    if session.posargs:
        session.run("python", "benchmarks/bench_startup.py", *session.posargs)


if __name__ == "__main__":
    nox.main()

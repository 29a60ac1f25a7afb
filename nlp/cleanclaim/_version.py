"""The package version (one place: pyproject reads nothing from here, keep them equal)."""

__version__ = "0.1.0"

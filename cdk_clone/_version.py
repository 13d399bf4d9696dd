"""The version of cdk-clone: the one place it is written (pyproject.toml, the provider and the CLI read it)."""

__version__ = "0.1.0"

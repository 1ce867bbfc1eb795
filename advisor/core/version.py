"""The version of advisor (read by hatch when the package is built)."""

__version__ = "0.5.0"

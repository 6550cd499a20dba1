"""baove: child protection information system for Viet Nam."""

__version__ = "0.1.0"

"""Rules files shipped with baove (one per released version)."""

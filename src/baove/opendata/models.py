"""Models of the opendata app."""

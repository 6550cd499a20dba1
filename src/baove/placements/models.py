"""Models of the placements app."""

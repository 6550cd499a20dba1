"""Care placements and gatekeeping."""

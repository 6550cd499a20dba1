"""Public open data: aggregates only, small cells suppressed."""

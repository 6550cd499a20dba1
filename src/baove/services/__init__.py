"""Service directory: providers, typed services, coverage."""

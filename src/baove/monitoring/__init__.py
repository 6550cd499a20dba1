"""Case management dashboards for managers."""

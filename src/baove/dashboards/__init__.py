"""Indicator explorer, province scorecards, reports."""

"""Referrals between agencies, with response timeframes."""

"""Maintenance records are written by the services only (audited); the admin shows nothing
of them, so nothing is changed around the audit chain (M-1.3)."""

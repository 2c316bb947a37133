"""Event data (placeholder)."""

"""Public health check."""

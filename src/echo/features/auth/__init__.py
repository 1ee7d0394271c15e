"""Login, token refresh with rotation, logout and the authentication dependencies."""

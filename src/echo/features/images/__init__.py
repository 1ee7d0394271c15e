"""Image serving: album covers in several sizes and formats, and the placeholder."""

"""Many files: finding them, reading them in isolated workers, and caching the results."""

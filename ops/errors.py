class OpsError(Exception):
    """What was asked for does not exist or could not be done (exit 1)."""

"""FTA Requests: the domain, its ports and their adapters."""

"""Azure Functions entrypoints, one blueprint per folder."""

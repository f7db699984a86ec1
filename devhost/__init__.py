"""devhost: the local stand-in for the Azure Functions host.

Serves the HTTP functions of ``function_app.app``, runs its topic-trigger
functions as consumers of the embedded bus and its timer functions on their
schedules, with the host's admin API to run any function at once.
"""

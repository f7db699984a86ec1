"""The operators' command-line tool: ``python -m ops``.

Looks at and repairs what the pipeline leaves for people: subscription depths,
dead letters (embedded bus or Service Bus), parked messages, the leads' own
queues and overdue requests. It reads the same settings as the app
(``FTA_DATA_DIR``, ``FTA_STORE``, ``FTA_BUS``, ...).
"""

"""The ``wijkteamkit`` command line: one module per command group."""

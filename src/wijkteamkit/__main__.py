"""``python -m wijkteamkit``: the same as the ``wijkteamkit`` command."""

from wijkteamkit.cli.app import main

main()

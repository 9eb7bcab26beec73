"""Zwolle (GM0193), 2015, as a plugin written as data.

The setup is ``zwolle.toml`` in this package; the entry point ``wijkteamkit_zwolle:zwolle.toml``
names it, so this module holds no code.
"""

"""Debt early-warning feeds (vroegsignalering): reading them row by row, quarantining bad rows,
and generating synthetic ones. The engine's write side is :mod:`wijkteamkit.engine.intake`."""

"""Synthetic caseloads: realistic, reproducible households for tests, benchmarks and demos.

:mod:`.scripts` turns a municipality's setup and a seed into a stream of household scripts (every
input and decision, nothing written); :mod:`.writer` plays them through the casework engine.
Everything made here is made up: see docs/synthetic.md.
"""

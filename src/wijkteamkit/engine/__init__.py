"""The casework engine: consent decisions, state machines and case services."""

"""The national layer: the law, as an ordinary plugin inside the core."""

"""Money: funding resolution over time, budgets, and commissioning (tenders)."""

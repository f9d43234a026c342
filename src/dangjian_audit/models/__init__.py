"""Pydantic models: evidence (input), catalog (rules as data) and results (output)."""

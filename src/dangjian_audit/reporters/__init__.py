"""Reporters: one module per format. Each returns a string; the CLI decides where it goes."""

"""Scoring non-local enterprises for a chain node: factors, feature store, ranking."""

"""Pages of the service system, one module per topic."""

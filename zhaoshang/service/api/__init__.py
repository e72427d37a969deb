"""API endpoints of the service system, one module per topic."""

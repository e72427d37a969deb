"""Visits, trips and events come with the activities issue; campaigns (会战) are in projects,
which cite them."""

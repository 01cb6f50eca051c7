"""API v1 of participation, one module per topic: reads, suggestions, discussion (comments, support,
reports) and auth. Views are thin: an input serializer checks shape, services and selectors do the rest."""

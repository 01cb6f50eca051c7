"""The coverage analysis: demand (suggestions and their supports) against what exists (context layers)."""

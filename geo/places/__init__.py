"""Finding a place by its name: the project's gazetteer (streets, addresses, districts, named places) and its
search."""

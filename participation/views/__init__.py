"""participation's pages, one module per audience: the public map and suggestion pages, authors correcting
their own suggestions, a person's account, planners and moderators."""

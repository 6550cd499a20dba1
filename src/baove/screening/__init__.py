"""Early risk screening of children and households."""

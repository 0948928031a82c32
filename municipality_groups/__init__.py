"""Reference data: municipalities, län, size groups, SKL groups, districts (see SOURCES.md)."""

"""Task families: ALFRED's task types, goal conditions, instructions and sampling."""

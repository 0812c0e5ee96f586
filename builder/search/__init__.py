"""The client-side full-text search index: character-gram posting lists split into small files."""

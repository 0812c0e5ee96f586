"""The typed model every stage works on: documents, sections, events, 条目, lines, fixes (dataclasses)."""

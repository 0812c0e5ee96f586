"""Enrichment of parsed documents: ids, regions, topics, people, meetings, series, organisations, records and cross-links."""

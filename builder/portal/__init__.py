"""A portal of collections (many county archives) built as one site, on one machine or a Dask cluster."""

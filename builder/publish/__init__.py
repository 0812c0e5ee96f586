"""MkDocs: our plugins, running the site build, swapping the output in."""

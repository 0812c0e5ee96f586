"""The site's Markdown pages, written from Jinja2 templates (templates/), and the downloads."""

"""Editorial configuration (site_config/*.yml, divisions.csv) read and validated into typed objects,
every error with file:line."""

from builder.config.loader import ConfigError, load_yaml
from builder.config.site import SiteConfig, load_config

__all__ = ["ConfigError", "SiteConfig", "load_config", "load_yaml"]

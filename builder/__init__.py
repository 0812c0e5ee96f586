"""Fangzhi (方志): a static digital-archive generator for Chinese local history."""

__version__ = "0.1.0"

"""天平 Tianping: monitoring and evaluation of Women's and Children's Development Plans."""

__version__ = "0.1.0"

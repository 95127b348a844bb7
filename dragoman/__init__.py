"""dragoman: reads geopolitical news and turns it into a sourced record of who did what to whom."""
__version__ = "0.1.0"

from dragoman.pipeline import analyze_article, analyze_articles  # noqa: E402

__all__ = ["__version__", "analyze_article", "analyze_articles"]

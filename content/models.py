from content.pages.home import HomePage  # noqa: F401

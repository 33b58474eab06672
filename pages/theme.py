"""The look every page shares: colours and focus outlines readable at WCAG 2.1 AA (tests/test_accessibility.py)."""

from __future__ import annotations

from nicegui import app, ui

# each reaches a contrast of at least 4.5:1 against white (white text on it, or it as text on white)
THEME_COLORS = {
    "primary": "#1d4ed8",
    "secondary": "#0f766e",
    "accent": "#7e22ce",
    "positive": "#15803d",
    "negative": "#b91c1c",
    "info": "#0e7490",
    "warning": "#b45309",
}
THEME_CSS = """
.nicegui-link { color: #1d4ed8; }
.q-header .nicegui-link { color: #ffffff; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
"""


def apply_theme() -> None:
    """Set the colours (Quasar's brand) and the shared CSS for every page of the app. Quasar's loading bar (an
    unnamed progress bar over the page while audio loads) is not shown: screen readers would announce it unnamed."""
    app.colors(**THEME_COLORS)
    app.config.quasar_config["loadingBar"]["skipHijack"] = True
    ui.add_css(THEME_CSS, shared=True)

"""OneTimeLink: a link shown once (a candidate's invite, a teammate's join link) with a button that copies it."""

from __future__ import annotations

from nicegui import ui

# Copies in the browser, without a round trip: the Clipboard API where the page is a secure context (HTTPS or
# localhost), else the selected field through execCommand, which plain-HTTP intranet installs still allow.
COPY_JS = """() => {
  const field = document.getElementById('c%(id)s');  // Quasar gives the id to the <input> itself
  field.select();
  const copied = navigator.clipboard && window.isSecureContext
    ? navigator.clipboard.writeText(field.value) : Promise.reject(new Error('no Clipboard API'));
  copied.catch(() => document.execCommand('copy'));
}"""


class OneTimeLink(ui.card):
    """Hidden until `show(url)`; says `note`, shows the link read-only, and copies it on "Copy link"."""

    def __init__(self, note: str, mark: str) -> None:
        super().__init__()
        self.classes("w-full bg-green-50")
        with self:
            ui.label(note)
            with ui.row().classes("w-full items-end no-wrap"):
                self.link = ui.input("Link").props("readonly").classes("grow").mark(mark)
                copy = ui.button("Copy link", icon="content_copy", on_click=lambda: ui.notify("Link copied"))
                copy.props("outline").mark(f"{mark}-copy").on("click", js_handler=COPY_JS % {"id": self.link.id})
        self.set_visibility(False)

    def show(self, url: str) -> None:
        self.link.set_value(url)
        self.set_visibility(True)

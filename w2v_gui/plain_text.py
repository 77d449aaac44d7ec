"""Text that comes from a file (a corpus name, a word, a path) is shown as plain text.

Qt renders a label, a tooltip or a message box as HTML when its text merely looks like
HTML (`Qt.mightBeRichText`), so a crafted name could paint itself large and red or break a
panel's layout. Labels get `Qt.TextFormat.PlainText`; where a tooltip or a rich label mixes
our markup with such text, the text is escaped here.
"""

from __future__ import annotations

from html import escape


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally, markup and line breaks as they are."""
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>" if text else ""


def plain_message(text: str) -> str:
    """`text` for a message box, which renders anything that looks like HTML as HTML: such
    text is escaped (and its line breaks kept); other text is left as it is."""
    if "<" not in text and "&" not in text:
        return text
    return plain_tooltip(text)

"""The way to a person: the configured help desk as a link that carries the case.

Every wizard step, the search results and the article page offer it. The case is
a plain-text summary (what was entered, what was read from it, the answers, what
was tried, a link to the exact step): a prefilled e-mail (subject and body), a
ticket-system URL template (`HELPDESK_TICKET_URL` with `{subject}` and `{body}`),
and the text itself for a Copy button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app

from app.text.slugs import clip

DEFAULT_CONTACT = "your help desk"
MAILTO_BODY_CHARS = 1800   # mail programs cut long mailto: links


@dataclass(frozen=True)
class Handover:
    contact: str            # the help desk as configured, for display ("" when unset)
    contact_text: str       # what the page says: the contact, or "your help desk"
    href: str               # a link that opens a prefilled mail or ticket; "" when none
    summary: str            # the case, always there
    subject: str
    url: str                # the page it was made on


def helpdesk_contact() -> tuple[str, str]:
    """(href, text) of the configured help desk: a URL, an address, or plain words."""
    contact = " ".join(str(current_app.config.get("HELPDESK_CONTACT") or "").split())
    if not contact:
        return "", ""
    url = re.search(r"https?://\S+", contact)
    if url:
        return url.group().rstrip(".,;)"), contact
    address = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", contact)
    if address:
        return f"mailto:{address.group()}", contact.removeprefix("mailto:")
    return "", contact


def handover(summary: str, subject: str, url: str) -> Handover:
    """The hand-over for a case, with the most direct link the settings allow: the
    ticket template, else a prefilled e-mail, else the help desk's own page."""
    href, contact = helpdesk_contact()
    subject = clip(subject, 120)
    ticket = str(current_app.config.get("HELPDESK_TICKET_URL") or "")
    if ticket:
        href = ticket.replace("{subject}", quote(subject)).replace(
            "{body}", quote(summary[:MAILTO_BODY_CHARS]))
    elif href.startswith("mailto:"):
        href = (f"{href}?subject={quote(subject)}"
                f"&body={quote(summary[:MAILTO_BODY_CHARS])}")
    return Handover(contact, contact or DEFAULT_CONTACT, href, summary, subject, url)

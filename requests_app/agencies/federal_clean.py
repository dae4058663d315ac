"""Cleaning the federal FOIA contact list (18F/2015-foia) down to role data: pure, no database.

The source gives each FOIA office's emails, request form and mailing address, and names
the officials behind them: in ``public_liaison``, ``foia_officer``, ``service_center`` and
``misc`` entries (never read here), in the first lines of most addresses ("Laurie Day",
"Chief, Initial Request Staff") and in many emails (firstname.lastname@agency.gov). Only
role data is kept: emails whose mailbox names a function (foia@, FOIA.Requests@,
solmail@), http(s) request forms, and addresses without people's names or the titles of
their posts. Whatever is dropped is returned with the reason, for the build's summary.
``federal_offices.py`` turns the cleaned values into offices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

# Mailboxes whose name says what they are for. Anything else is taken for a person's.
_ROLE_MAILBOX = re.compile(
    r"foi|privacy|request|record|disclos|mail|mbx|info|archives|library|materials|recorder|counsel"
    r"|liaison|staff|officer|manager|^(?:crcl|ssab|usoge)$",
    re.I,
)
# Reviewed mailboxes the pattern above would keep but that are not a FOIA office's.
_NOT_ROLE = {
    "eligilility@onhir.gov": "a misspelt eligibility mailbox, not the FOIA office's",
}
# Request forms on services that have closed: FOIAonline was retired on 30 September 2023.
_RETIRED_HOSTS = ("foiaonline.regulations.gov",)

# Words that make an address line the title of a post rather than an office.
_TITLE_WORD = re.compile(
    r"^(?:officers?|director|chief|contacts?|coo?r\w*at[oe]rs?|specialists?|counsel|attorney|paralegal"
    r"|advis[eo]r|assistant|analyst|manager|lead|liaison|archivist|secretary|solicitor|deputy|head"
    r"|administrator|commissioner)$",
    re.I,
)
# Words that make a line an office, a building or a place rather than a person's name.
_PLACE_WORD = re.compile(
    r"^(?:office|offices|division|section|unit|branch|staff|center|centre|group|program|programs|services?"
    r"|bureau|secretariat|directorate|team|command|headquarters|hq|agency|department|commission|board"
    r"|library|archives|administration|building|bldg|room|suite|floor|stop|box|plaza|place|square|tower"
    r"|annex|wing|lobby|station|corps|council|foundation|institute|authority|area|region|street|avenue"
    r"|road|drive|highway|boulevard|pentagon|park|federal|national|general|government|freedom|information"
    r"|one|two|three|four|five|six|seven|eight|nine|ten)$",
    re.I,
)
_NAME_TOKEN = re.compile(r"^(?:[A-Z]\.)+$|^[A-Z][a-z?'’]+(?:[A-Z-][a-zA-Z?'’]+)*'?$|^[A-Z]\.[A-Z][a-z]+$")
_SUFFIX = re.compile(r",?\s+(?:jr|sr|ph\.?\s?d|ii|iii|iv|acting)\.?$", re.I)
_PREFIX = re.compile(r"^(?:attn|foia)\s*:\s*", re.I)
_PHONE = re.compile(r"^\(?\d{3}\)?[\s.-]*\d{3}[\s.-]\d{4}\b")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# "Freedom of Information" is one term: read as such, "Freedom of Information Officer" is
# headed by "Officer" rather than by "Freedom".
_TERMS = re.compile(r"freedom of information(?: act)?", re.I)
# Placeholders the source writes where nobody holds a post.
_PLACEHOLDERS = {"vacant", "agency"}
_url = URLValidator(schemes=["http", "https"])


# People named in the source ---------------------------------------------------------

PERSON_FIELDS = ("public_liaison", "foia_officer", "service_center")
# Values of those fields that are roles, not people.
ROLE_NAMES = {
    "foia contact", "foia office", "foia officer", "foia requester service center", "disclosure manager",
    "disclosure officer", "federal reserve system", "regional freedom of information officer", "vacant",
}


def people_in(entry: dict[str, Any]) -> set[str]:
    """The people an entry of the source names in its contact fields, one name each
    ("Darryl Webb and Johnny Rosner" is two people)."""
    names = [entry[f].get("name", "") for f in PERSON_FIELDS if isinstance(entry.get(f), dict)]
    names += [v.get("name", "") for v in (entry.get("misc") or {}).values() if isinstance(v, dict)]
    people = set()
    for name in names:
        for part in re.split(r",\s*(?!jr|sr|ph|iii|iv|acting)|/|\s+and\s+", _PREFIX.sub("", name), flags=re.I):
            part = _SUFFIX.sub("", " ".join(part.split())).strip(" ,")
            if part and part.casefold() not in ROLE_NAMES:
                people.add(part)
    return people


@dataclass(frozen=True)
class People:
    """Everyone the source names, as the cleaning looks for them: each name's words, and its
    first and last word alone ("Laurie A. Day" is found as "Laurie Day")."""

    names: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> People:
        words = [w for w in (name_words(n) for n in names) if len(w) >= 2]
        return cls(names=frozenset(" ".join(w) for w in words) | frozenset(f"{w[0]} {w[-1]}" for w in words))

    def named_in(self, text: str) -> bool:
        """True when the text holds the name of someone named in the source."""
        words = name_words(text)
        return any(" ".join(words[i:i + size]) in self.names
                   for size in (2, 3, 4) for i in range(len(words) - size + 1))


def name_words(text: str) -> list[str]:
    """A name as compared: lower case, without initials, titles or punctuation."""
    words = re.findall(r"[a-z][a-z'’?-]*", text.casefold().replace(".", ". "))
    return [w.strip("'’") for w in words if len(w) > 1 and w not in ("jr", "sr", "ph", "iii", "iv", "acting")]


# Emails ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dropped:
    value: str
    reason: str


def role_email(value: str, *, people: People) -> str | Dropped:
    """The email if it is a role mailbox, else why it is left out."""
    email = value.strip().lstrip("?")
    try:
        validate_email(email)
    except ValidationError:
        return Dropped(value, "malformed email")
    local = email.split("@")[0]
    if email.casefold() in _NOT_ROLE:
        return Dropped(value, _NOT_ROLE[email.casefold()])
    if not _ROLE_MAILBOX.search(local):
        return Dropped(value, "a person's mailbox (it names no function)")
    if people.named_in(re.sub(r"[._-]+", " ", local)):
        return Dropped(value, "a person's mailbox (it holds the name of someone the source names)")
    return email


def misplaced_email(value: str) -> bool:
    """True for a request form that is an email ("?foiarequest@restorethegulf.gov")."""
    return bool(_EMAIL_IN_TEXT.fullmatch(value.strip().lstrip("?")))


def request_form(value: str) -> str | Dropped:
    """The request form URL, unless it is no URL or on a service that has closed."""
    url = value.strip()
    try:
        _url(url)
    except ValidationError:
        return Dropped(value, "not a web address")
    if any(host in url.casefold() for host in _RETIRED_HOSTS):
        return Dropped(value, "a retired request service (FOIAonline closed in 2023)")
    return url


# Addresses ------------------------------------------------------------------------------


@dataclass
class Address:
    lines: list[str]  # office, room and suite lines, in the source's order
    street: str
    city: str
    state: str
    zip: str
    dropped: list[Dropped] = field(default_factory=list)

    def as_text(self) -> str:
        """The address as a letter prints it below the agency's name."""
        place = f"{self.city}, {self.state} {self.zip}".strip()
        return "\n".join([*self.lines, *([self.street] if self.street else []), place])

    def as_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "street": self.street, "city": self.city, "state": self.state, "zip": self.zip}


def clean_address(raw: dict[str, Any], *, people: People, own_names: Iterable[str] = ()) -> Address | None:
    """The address without people's names, post titles, phone numbers or a line repeating
    the agency's own name; None when no city, state and ZIP are left to post to."""
    own = {_plain(n) for n in own_names}
    address = Address(lines=[], street="", city=tidy(raw.get("city") or ""), state=tidy(raw.get("state") or ""),
                      zip=tidy(raw.get("zip") or ""))
    for line in raw.get("address_lines") or []:
        kept, reason = clean_line(tidy(line), people=people)
        if kept and _plain(kept) in own:
            kept, reason = "", "repeats the agency's name"
        if kept:
            address.lines.append(kept)
        if reason:
            address.dropped.append(Dropped(tidy(line), reason))
    street, reason = clean_line(tidy(raw.get("street") or ""), people=people)
    address.street = street
    if reason:
        address.dropped.append(Dropped(tidy(raw.get("street") or ""), reason))
    if not (address.city and address.state and address.zip):
        return None
    return address


def clean_line(line: str, *, people: People) -> tuple[str, str]:
    """(what is kept of an address line, why the rest was dropped); "" and "" for a blank line.

    A line naming a person goes whole. Otherwise the line is read as comma-separated parts
    ("Chief, FOIA/PA Unit") and the parts that are post titles are dropped.
    """
    if not line:
        return "", ""
    if _PHONE.match(line):
        return "", "a phone number"
    if _EMAIL_IN_TEXT.search(line):
        return "", "an email in the address"
    if line.casefold() in _PLACEHOLDERS:
        return "", "a placeholder"
    if _names_person(line, people):
        return "", "a person's name"
    parts = [p for p in re.split(r"\s*,\s*|\s+-\s+", line) if p]
    kept = [p for p in parts if not is_title(p)]
    if not kept:
        return "", "the title of a post"
    if len(kept) == len(parts):
        return line, ""
    return ", ".join(kept), "the title of a post"


def is_title(part: str) -> bool:
    """True for the title of a post ("FOIA Officer", "Assistant General Counsel for
    Information & Legal Support"); False for an office ("Office of Chief Counsel")."""
    text = _PREFIX.sub("", _TERMS.sub("FOI", part))
    text = re.sub(r"\([^)]*\)", " ", text)
    head_phrase = re.split(r"\s+(?:of|for|to)\s+", text, maxsplit=1)[0]
    for side in head_phrase.split("/"):  # "Assistant Legal Counsel/FOIA"
        words = re.findall(r"[A-Za-z]+", side)
        if words and _TITLE_WORD.match(words[-1]):
            return True
    return False


def _names_person(line: str, people: People) -> bool:
    text = _SUFFIX.sub("", _PREFIX.sub("", line))
    if people.named_in(text):
        return True
    if any(ch.isdigit() for ch in text) or any(_is_word_of_office(t) for t in re.split(r"[\s/]+", text)):
        return False
    # "Cynthia Sydnor/Denise Nelson": one line may name two people.
    return any(_looks_like_name(part) for part in re.split(r"/|\s+and\s+", text))


def _is_word_of_office(token: str) -> bool:
    token = token.strip(".,()")
    return bool(_PLACE_WORD.match(token) or _TITLE_WORD.match(token))


def _looks_like_name(text: str) -> bool:
    """Two to four capitalised words: "Sally Blibo", "D. Camilla Perry"."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    return all(_NAME_TOKEN.match(t) for t in tokens) and sum(len(t.strip(".")) >= 2 for t in tokens) >= 2


def tidy(text: str) -> str:
    return " ".join(str(text).split()).strip(" ;")


def _plain(name: str) -> str:
    """A name compared with the agency's own: "U.S. Consumer Product Safety Commission" is the CPSC."""
    words = re.sub(r"\bu\.?s\.?\b|\bunited states\b|[^\w\s]", " ", name.casefold().replace("&", "and")).split()
    return " ".join(words)

"""Who the visit is for: the person who writes may book for someone else ("book my son Leo in",
"for my daughter", "my wife's appointment"). Then the name and birth date asked for, verified (or
registered) and booked are that person's, never the writer's. ``for_whom`` holds
{"rel": "son", "given": "Leo"|None} while it applies; the ask actions here word the questions."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker

from actions.common import _is_name_word, bare_name, say

_HIS = {"son", "boy", "husband", "father", "dad", "grandson", "grandfather", "grandpa", "brother", "nephew", "stepson",
        "boyfriend"}
_HER = {"daughter", "girl", "wife", "mother", "mom", "mum", "granddaughter", "grandmother", "grandma", "sister", "niece",
        "stepdaughter", "girlfriend"}
_THEIR = {"child", "kid", "baby", "toddler", "teen", "teenager", "partner", "spouse", "friend", "grandchild", "parent",
          "newborn", "infant", "stepchild"}
_RELS = "|".join(sorted(_HIS | _HER | _THEIR | {"kids", "children", "hijo", "hija"}, key=len, reverse=True))
_CHILD_WORDS = {"son", "daughter", "child", "kid", "baby", "boy", "girl", "toddler", "teen", "teenager", "grandchild",
                "grandson", "granddaughter", "newborn", "infant", "stepson", "stepdaughter", "stepchild", "kids",
                "children", "hijo", "hija"}

# "his name is Max Ortega", "my daughter's full name is ...": the name after it
_THEIR_NAME = re.compile(r"\b(?:his|her|their|the (?:child|kid|patient)'?s|(?:my|our) (?:" + _RELS + r")'?s)\s+(?:full )?"
                         r"name(?:'s|\s+is)\s+(?P<name>.+)", re.I)
# "my son", "our daughter's", "my 6 year old", "my little boy"; the word after may be a first name
_OTHER = re.compile(
    rf"\b(?:my|our|mi)\s+(?:(?:little|baby|little baby|youngest|oldest|eldest|older|younger|other|second|middle|\d{{1,2}}[\s\-]?(?:year|yr|month|mo)s?[\s\-]?old|two|three|four|five|six|seven|eight|nine|ten)\s+)?"
    rf"(?P<rel>{_RELS})(?:'?s)?\b(?P<rest>.*)$", re.I)
_AGE_ONLY = re.compile(r"\b(?:my|our)\s+\d{1,2}[\s\-]?(?:year|yr)s?[\s\-]?old\b(?P<rest>.*)$", re.I)
_SELF = re.compile(r"\b(for me|for myself|myself|my own|me too|for me too|me as well|my appointments?|my appts?|mine)\b", re.I)
# "my son's dentist said ..." is still about the son; "i'm bringing my son" too. Not someone else:
# "with my son" as company ("can i bring my son along"), handled as the patient themselves.
COMPANY = re.compile(rf"\b(bring|bringing|with)\s+(?:my|our)\s+(?:{_RELS})\s+(along|with me|too)\b", re.I)
_NOT_FOR = re.compile(r"\b(drop(ping)?( off)?|pick(ing)?( up)?|with|after|before|than|like|watch(ing)?|babysit\w*|take care of|"
                      r"work|school|off)\s*$", re.I)
_NOT_GIVEN = {"in", "for", "to", "needs", "need", "has", "is", "was", "got", "gets", "had", "and", "but", "he", "she",
              "they", "who", "appointment", "appt", "checkup", "physical", "visit", "tomorrow", "today", "next", "this",
              "please", "pls", "asap", "with", "at", "on", "a", "an", "the", "into", "named", "called", "seen", "see", "too", "also",
              "as", "both", "instead", "rather", "actually", "now", "then", "first", "only", "not", "so", "tho", "though",
              "again", "sorry", "thanks", "thank", "please", "same", "time", "day", "week", "one", "here", "there",
              "hes", "shes", "theyre", "its", "im", "whos", "aged", "age",
              # verbs that follow "my son": "my son wants a checkup", "my daughter said she has a rash"
              "wants", "wanted", "said", "says", "told", "tells", "thinks", "thought", "feels", "felt", "keeps", "kept",
              "started", "woke", "fell", "hurt", "hurts", "broke", "seems", "looks", "complains", "complained", "gets",
              "just", "still", "really", "might", "may", "should", "would", "could", "can", "will", "did", "does",
              "usually", "normally", "always", "often", "sometimes", "never", "typically", "generally", "helps", "drives", "lives"}


# "(my wife) told me I should", "(my doctor) wants me to", "(my mom) said i need": about the writer
_THEY_TOLD_ME = re.compile(r"^\s*(?:has\s+|had\s+|keeps\s+)?(?:told|tells|telling|said|says|thinks|thought|wants?|wanted|asked|asks|"
                           r"suggested|suggests|recommended|recommends|insisted|insists|made|makes|reminded|reminds|nagging|"
                           r"convinced|urged|urges)\s+(?:me|i|that i|that i'?m)\b", re.I)


# "(my grandson) usually helps me", "(my daughter) drives me there": someone who helps the writer
_HELPS_ME = re.compile(r"^\s*(?:(?:usually|normally|always|often|sometimes|typically|generally|who)\s+)?(?:helps|helped|drives|drove|takes|took|"
                       r"brings|brought|picks|books|booked|schedules|scheduled|calls|called|handles|handled|does|did)\s+"
                       r"(?:me|this|it|that|these|things|my)\b", re.I)


def _name_run(text: str) -> List[str]:
    """The name words a phrase starts with: "Leo Lindgren, born ..." -> ["Leo", "Lindgren"]."""
    run: List[str] = []
    for w in text.split()[:3]:
        clean = re.sub(r"'s$", "", w.strip(".,;:!?()\""))
        if not clean or clean.lower() in _NOT_GIVEN or not _is_name_word(clean) or re.search(r"\d", clean):
            break
        run.append(clean)
        if re.search(r"[,.;:!?]$", w):
            break
    return run


def person_switched(text: str, before: dict | None, person_name: str | None, at_care: bool = False):
    """ "actually it's for my daughter" (or "for me, not my son") part-way through: (who, label, other):
    the new ``for_whom`` (None: the writer), how to name them, and what the message said of them;
    None when the message does not switch. ``at_care``: asked what the visit is for, where "my kid
    needs a checkup" says whose visit it is without "for" or "actually"."""
    other = someone_else(text)
    if other and not same_person(before, other, person_name) and \
            (at_care or re.search(r"\b(for|it'?s|its|actually|instead|rather)\b", text, re.I)):
        who = {"rel": other["rel"], "given": other.get("given")}
        return who, who["given"] or f"your {who['rel']}", other
    if not other and before and for_self(text) and re.search(r"\b(for|actually|instead|rather|not)\b", text, re.I):
        return None, "you", None
    return None


def switched_slots(who: dict | None, other: dict | None, spec: str | None, visit: str | None, current: str | None) -> dict:
    """The slots once the visit turns out to be ``who``'s (``person_switched``): nobody verified, the name said for
    them kept, and a child's visit moved to pediatrics (``current``: the specialty before)."""
    from actions.care import PEDIATRICS, for_a_child, specialty_name

    out = {**IDENTITY_SLOTS, "for_whom": who}
    if other and other.get("name"):
        out["person_name"] = other["name"]
    if spec and is_child(who) and spec != PEDIATRICS:  # a child's visit: pediatrics
        spec, visit = for_a_child(spec, visit)
    if spec and spec != current:
        out.update({"care": specialty_name(spec), "specialty": spec, "visit_type": visit})
    return out


def someone_else(text: str) -> dict | None:
    """{"rel", "given", "name"} when the message asks for another person's visit, else None."""
    t = text or ""
    if COMPANY.search(t):
        return None
    named = _NAMED_BEHALF.search(t)
    if named:  # "this is bernadette's daughter, when is her appointment?": Bernadette, the writer's mother
        kind = _INVERSE[named.group("rel").lower()]
        pron = re.search(r"\b(his|him|he|her|she)\b", t[named.end():], re.I)
        rel = _BY_PRONOUN[kind][0 if pron.group(1).lower() in ("his", "him", "he") else 1] if kind in _BY_PRONOUN and pron else \
            (kind or "person")
        given = named.group("given")
        return {"rel": rel, "given": given[:1].upper() + given[1:].lower(), "name": None}
    m = _OTHER.search(t)
    if m and _NOT_FOR.search(t[: m.start()]):
        # "after I drop off my kids": not who the visit is for ("come in with my son" is, for a child)
        if not (re.search(r"\bwith\s*$", t[: m.start()], re.I) and m.group("rel").lower() in _CHILD_WORDS):
            m = None
    rel = None
    if m:
        rel = m.group("rel").lower()
        rest = m.group("rest")
    else:
        m = _AGE_ONLY.search(t)
        if not m:
            return None
        rel, rest = "child", m.group("rest")
    if _THEY_TOLD_ME.match(rest or "") or _HELPS_ME.match(rest or ""):
        return None  # "my wife told me I should get a physical", "my grandson usually helps me": the writer's own visit
    rel = {"kids": "kid", "children": "child", "hijo": "son", "hija": "daughter", "mum": "mom"}.get(rel, rel)
    # "my son Leo", "my daughter, Emma Lopez,", "my son named Leo"
    run = _name_run(re.sub(r"^\s*,?\s*(?:(?:named|called|whose name is|his name is|her name is)\s+)?", "", rest))
    later = _THEIR_NAME.search(rest)
    if not run and later:  # "my kid needs a checkup, his name is Finn"
        run = _name_run(later.group("name"))
    after_comma = re.search(r",\s*([^,]+?)\W*$", rest)
    if not run and after_comma and len(_name_run(after_comma.group(1))) >= 2:  # "cancel my wife's appt too, Jenna Morales"
        run = _name_run(after_comma.group(1))
    given = run[0][:1].upper() + run[0][1:] if run else None
    full = bare_name(run) if len(run) >= 2 else None
    from actions.care import care_from_text

    if given and care_from_text(given)[0]:
        given, full = None, None
    return {"rel": rel, "given": given, "name": full}


# "what appointments does Jordan Hale have", "cancel the one for jordan hale", "Jordan Hale's appointment"
_NAMED_SUBJECT = re.compile(r"\b(?:does|appointments?|appts?)\s+(\w+\s+\w+)\s+(?:have|has)\b|\b(\w+\s+\w+)'s\s+(?:next\s+|upcoming\s+)?(?:appo|appt|visit)"
                            r"|\b(?:for|of)\s+(\w+\s+\w+)\s*(?:[?.!,]|$)", re.I)


def named_other(text: str, own_name: str | None) -> dict | None:
    """Another person named by full name as the one whose visit it is (not the writer, whose name is
    ``own_name`` when known): {"rel": "person", "given", "name"}, else None."""
    for m in _NAMED_SUBJECT.finditer(text or ""):
        full = bare_name((m.group(1) or m.group(2) or m.group(3)).split())
        if full and not (own_name and name_key(full) == name_key(own_name)):
            return {"rel": "person", "given": full.split()[0], "name": full}
    return None


# everyday names that are not the start of the name they stand for ("Alex" for "Alexander" needs no entry)
_NICKNAMES = {"bill": "william", "will": "william", "bob": "robert", "rob": "robert", "bobby": "robert", "dick": "richard",
              "rick": "richard", "jim": "james", "jimmy": "james", "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth",
              "peggy": "margaret", "maggie": "margaret", "meg": "margaret", "jack": "john", "johnny": "john", "mike": "michael",
              "joe": "joseph", "chuck": "charles", "ted": "edward", "ned": "edward", "sue": "susan", "patty": "patricia",
              "tony": "anthony", "hank": "henry", "harry": "henry", "kate": "katherine", "katie": "katherine", "kathy": "katherine",
              "tom": "thomas", "tommy": "thomas", "sandy": "sandra", "jen": "jennifer", "jenny": "jennifer", "sally": "sarah", "nate": "nathaniel", "zach": "zachary"}


def same_first_name(a: str, b: str) -> bool:
    """ "Tom" and "Thomas", "Alex" and "Alexander": the first name a person is called by, and the record's."""
    a, b = folded(a), folded(b)
    if a == b or _NICKNAMES.get(a) == b or _NICKNAMES.get(b) == a:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short)


def folded(text: str) -> str:
    """Lower case, accents and other non-ASCII letters dropped: "Tomás" and "tomas" are the same name."""
    import unicodedata

    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def name_key(name: str) -> tuple:
    """First and last name without accents or case: tells one person from another in a message."""
    words = re.findall(r"[a-z]+", folded(name))
    return (words[0], words[-1]) if words else ()


def for_self(text: str) -> bool:
    """ "and one for me too" / "now for myself": the writer's own visit."""
    return bool(_SELF.search(text or ""))


def is_child(for_whom: dict | None) -> bool:
    return bool(for_whom) and for_whom.get("rel") in _CHILD_WORDS


def pronoun(for_whom: dict | None) -> str:
    rel = (for_whom or {}).get("rel")
    return "his" if rel in _HIS else "her" if rel in _HER else "their"


def whose(for_whom: dict | None) -> str:
    """ "Leo's" or "your son's"."""
    if not for_whom:
        return "your"
    return f"{for_whom['given']}'s" if for_whom.get("given") else f"your {for_whom.get('rel') or 'family member'}'s"


def one_word_name(value: str, for_whom: dict | None) -> str | None:
    """ "Lindgren" when the first name (Leo) was given before: "Leo Lindgren"."""
    words = (value or "").split()
    given = (for_whom or {}).get("given")
    if len(words) == 1 and given and _is_name_word(words[0]) and words[0].lower() != given.lower():
        w = words[0].strip(".,;:!?")
        return f"{given} {w[:1].upper()}{w[1:]}"
    return None


def dob_question(who: dict | None) -> str:
    """ "What's your date of birth? (for example 03/14/1985)", or Leo's / your son's (a child's example year)."""
    return f"What's {whose(who)} date of birth? (for example 03/14/{'2018' if is_child(who) else '1985'})"


class _Ask(Action, ABC):
    form = ""
    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.form}_{self.slot}"

    @abstractmethod
    def text(self, tracker: Tracker) -> str:
        """The question, worded for whoever the visit is for."""

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        say(dispatcher, self.text(tracker))
        return []


def _person(tracker: Tracker) -> dict | None:
    return tracker.get_slot("for_whom") or None


def owner(tracker: Tracker) -> str:
    """ "your", or "Jenna's" when the appointment is someone else's (their name once it is known)."""
    who, name = _person(tracker), tracker.get_slot("person_name")
    if who and not who.get("given") and name:  # "your wife's" once her name is known: "Jenna's"
        who = {**who, "given": name.split()[0]}
    return whose(who)


def _their(who: dict) -> str:
    """ "Leo's" when the first name is known, else "his" / "her" / "their"."""
    return whose(who) if who.get("given") else pronoun(who)


class AskVerifyName(_Ask):
    form, slot = "verify_form", "person_name"

    def text(self, tracker: Tracker) -> str:
        who = _person(tracker)
        if not who:
            return "First I need to find your record. What's your first and last name?"
        return f"First I need to find {whose(who)} record. What's {_their(who)} first and last name?"


class AskVerifyDob(_Ask):
    form, slot = "verify_form", "dob"

    def text(self, tracker: Tracker) -> str:
        return f"Thanks. {dob_question(_person(tracker))}"


class AskRegisterName(_Ask):
    form, slot = "register_form", "person_name"

    def text(self, tracker: Tracker) -> str:
        who = _person(tracker)
        if not who:
            return "Happy to set you up as a new patient. What's your first and last name?"
        label = who["given"] if who.get("given") else f"your {who['rel']}"
        return f"Happy to set {label} up as a new patient. What's {_their(who)} first and last name?"


class AskRegisterDob(_Ask):
    form, slot = "register_form", "dob"

    def text(self, tracker: Tracker) -> str:
        return dob_question(_person(tracker))


def dob_for_other(text: str):
    """A birth date given after the other person is named ("book my son, born 6/20/2018"): theirs.
    One before ("I'm Maria, 4/11/82, booking for my son") is the writer's and is not used."""
    from actions.common import dob_in_text

    m = _OTHER.search(text or "") or _AGE_ONLY.search(text or "")
    return dob_in_text(m.group("rest")) if m else None


def same_person(before: dict | None, other: dict, their_name: str | None = None) -> bool:
    """``other`` (from this message) is the family member already being booked: the same relation,
    and no different first name (``their_name``: the name given for them when ``before`` has none,
    so "my son Noah" after "my son" + "Leo Okafor" is another son)."""
    if not before or before.get("rel") != other.get("rel"):
        return False
    a = (before.get("given") or (their_name or "").split(" ")[0]).lower()
    b = (other.get("given") or "").lower()
    return not a or not b or a == b


# "this is his wife", "it's her son", "i'm their caregiver": the writer on behalf of the person named
ON_THEIR_BEHALF = re.compile(r"\b(?:this is|it'?s|its|i'?m|im|i am)\s+(?:actually\s+)?(?P<whose>his|her|their)\s+(?P<rel>wife|husband|partner|"
                             r"spouse|mom|mother|mum|dad|father|son|daughter|sister|brother|friend|caregiver)\b", re.I)
# "this is bernadette's daughter", "i'm tom's wife": the writer on behalf of the person named
_NAMED_BEHALF = re.compile(r"\b(?:this is|it'?s|its|i'?m|im|i am)\s+(?:actually\s+)?(?P<given>(?!(?:his|her|their|my|your)\b)[A-Za-z]{2,})'s\s+"
                           r"(?P<rel>wife|husband|partner|spouse|mom|mother|mum|dad|father|son|daughter|sister|brother|friend|caregiver)\b", re.I)
# who the person is to the writer, from who the writer is to them ("his wife" -> her husband)
_INVERSE = {"wife": "spouse", "husband": "spouse", "partner": "partner", "spouse": "spouse", "mom": "child", "mother": "child",
            "mum": "child", "dad": "child", "father": "child", "son": "parent", "daughter": "parent", "sister": "sibling",
            "brother": "sibling", "friend": "friend", "caregiver": None}
_BY_PRONOUN = {"spouse": ("husband", "wife", "partner"), "child": ("son", "daughter", "child"), "parent": ("father", "mother", "parent"),
               "sibling": ("brother", "sister", "sibling")}
_ABOUT_THEM = re.compile(r"\b(he|him|his|she|her|they|them|their|he'?s|she'?s|hes|shes)\b", re.I)
_ABOUT_ME = re.compile(r"\b(i|me|my|mine|myself|i'?m|im|i'?d|i'?ve)\b", re.I)


def acting_for(text: str) -> dict | None:
    """ "this is his wife, what appointments does he have?": the writer asks about the person whose details
    this conversation holds; that person as the writer's family ({"rel": "husband", "given": None}), else
    None. (About the writer's own visit instead, "this is his wife, whats on my schedule?": None.)"""
    m = ON_THEIR_BEHALF.search(text or "")
    if not m:
        return None
    rest = text[: m.start()] + " " + text[m.end():]
    if not _ABOUT_THEM.search(rest) or _ABOUT_ME.search(rest):
        return None
    kind = _INVERSE[m.group("rel").lower()]
    if kind in _BY_PRONOUN:
        return {"rel": _BY_PRONOUN[kind][("his", "her", "their").index(m.group("whose").lower())], "given": None}
    return {"rel": kind, "given": None}  # a friend's; a caregiver's: "your family member's"


# What identifies the person being verified or booked; forgotten when the visit is for someone else.
IDENTITY_SLOTS = {"verified": False, "patient_id": None, "person_name": None, "dob": None, "verify_choice": None,
                  "coverage_done": False, "coverage_kind": None, "payer": None, "member_id": None, "coverage_id": None,
                  "last_booked": None}


def name_for_other(text: str, other: dict | None) -> str | None:
    """The other person's full name in the message: "my daughter Emma Lopez", "his name is Max Ortega"."""
    from actions.common import name_in_text

    if other and other.get("name"):
        return other["name"]
    m = _THEIR_NAME.search(text or "")
    if m:
        return name_in_text("name is " + m.group("name"))
    from actions.common import _INTRO, dob_in_text

    after = _OTHER.search(text or "")  # "when is my daughter's appointment? Pippa Longbottom 10/10/2015": hers
    rest = after.group("rest") if after else ""
    return name_in_text(rest) if dob_in_text(rest) and not _INTRO.search(rest) else None


# "for me and my son Leo", "me n my daughter", "myself & my wife"; "my son and me", "my daughter and i"
# ("my daughter Oriana Whitlock 8/8/2016 and one for me too": her whole name and birth date)
_REL_PHRASE = rf"(?:my|our)\s+(?:\w+\s+){{0,3}}?(?:{_RELS})\b(?:'s)?(?:\s+[A-Z][\w'-]*){{0,2}}(?:,?\s+(?:born\s+|dob\s+)?\d{{1,2}}/\d{{1,2}}/\d{{2,4}})?"
# ("a physical for me and a checkup for my daughter Saoirse": another visit's words between them)
_VISIT_FOR = r"(?:(?:a|an|one|another)\s+(?:[\w-]+\s+){0,3}?(?:for|with)\s+)?"
_ME_AND = re.compile(rf"\b(?:both\s+)?(me|myself)\s*(?:and|&|\+|n|plus)\s+{_VISIT_FOR}({_REL_PHRASE})", re.I)
_AND_ME = re.compile(rf"\b({_REL_PHRASE})\s*(?:and|&|\+|n)\s+{_VISIT_FOR}(me|myself|i(?=\s+(?:both|need|want|would|get|have|are|each|too)\b))\b"
                     rf"(?:\s+(?:too|both))?", re.I)  # ("for my son and i was wondering": not a visit for the writer)


# "checkups for my son and daughter", "my son Leo and my daughter Mia": two other people
_TWO_OTHERS = re.compile(rf"\b({_REL_PHRASE})\s*(?:and|&|\+|n)\s+(?:my\s+|our\s+)?((?!(?:his|her|their|a|an|the|some|your)\b)(?:\w+\s+){{0,3}}?(?:{_RELS})\b(?:\s+[A-Z][\w'-]*)?)", re.I)


# "checkups for my two kids, Pip and Wren Hollingsworth", "my kids Pip and Wren": two children by name
_TWO_NAMED_KIDS = re.compile(r"\b(?P<lead>(?:my|our)\s+(?:two\s+|2\s+|twin\s+)?(?P<rel>kids|children|sons|daughters|boys|girls|twins))\b"
                             r"[,:]?\s+(?:named\s+|called\s+)?(?P<a>[A-Za-z][a-z'-]+)\s+(?:and|&|\+)\s+(?P<b>[A-Za-z][a-z'-]+)"
                             r"(?:\s+(?P<family>[A-Za-z][\w'-]+))?", re.I)
# "both my kids, Noor Rahman 3/3/2016 and Zain Rahman 8/8/2018": two children by whole name (and birth date)
_PERSON = r"[A-Za-z][a-z'-]+(?:\s+[A-Za-z][\w'-]+)?"
_BORN = r"(?:,?\s+(?:born\s+|dob\s+|b\.\s*)?\d{1,2}/\d{1,2}/\d{2,4})"
_TWO_KIDS_IN_FULL = re.compile(r"\b(?:both\s+(?:of\s+)?)?(?P<lead>(?:my|our)\s+(?:two\s+|2\s+|twin\s+)?(?P<rel>kids|children|sons|daughters|boys|girls|twins))\b"
                               rf"[,:]?\s+(?P<a>{_PERSON}{_BORN}?),?\s+(?:and|&|\+)\s+(?P<b>{_PERSON}{_BORN}?)", re.I)
_ONE_OF = {"kids": "kid", "children": "child", "sons": "son", "daughters": "daughter", "boys": "son", "girls": "daughter", "twins": "child"}


def two_named_kids(text: str) -> tuple[str, str] | None:
    """ "checkups for my two kids, Pip and Wren Hollingsworth": ("checkups for my kid Pip Hollingsworth",
    "checkups for my kid Wren Hollingsworth"), else None."""
    from actions.common import _NOT_NAME_WORDS

    m = _TWO_NAMED_KIDS.search(text or "")
    family = m.group("family") if m else None
    if not m or any(w.lower() in _NOT_NAME_WORDS for w in (m.group("a"), m.group("b"))):
        full = _TWO_KIDS_IN_FULL.search(text or "")
        words = re.findall(r"[A-Za-z][\w'-]*", f"{full.group('a')} {full.group('b')}") if full else []
        if not words or any(w.lower() in _NOT_NAME_WORDS for w in words):
            return None
        one = _ONE_OF[full.group("rel").lower()]
        return tuple(f"{text[:full.start()]}{full.group('lead').split()[0]} {one} {full.group(k)}{text[full.end():]}" for k in "ab")
    if family and family.lower() in _NOT_NAME_WORDS:
        family = None
    one, end = _ONE_OF[m.group("rel").lower()], m.end() if family else m.end("b")

    def alone(given: str) -> str:
        who = " ".join(w[:1].upper() + w[1:] for w in (given, family or "") if w)
        return f"{text[:m.start()]}{m.group('lead').split()[0]} {one} {who}{text[end:]}"
    return alone(m.group("a")), alone(m.group("b"))


def two_others(text: str) -> tuple[str, str] | None:
    """One message asking for two other people's visits ("checkups for my son and daughter"): (the
    first one's request alone, the second one's): ("checkups for my son", "checkups for my daughter")."""
    t = text or ""
    named = two_named_kids(t)
    if named:
        return named
    m = _TWO_OTHERS.search(t)
    if not m or not someone_else(t) or not someone_else(m.group(1)):
        return None
    second = m.group(2) if re.match(r"(?:my|our)\b", m.group(2), re.I) else f"my {m.group(2)}"
    return t[:m.start()] + m.group(1) + t[m.end():], t[:m.start()] + second + t[m.end():]


def writer_and_other(text: str) -> tuple[str, str] | None:
    """One message asking for the writer's visit and another person's ("a checkup for me and my son
    Leo"): (the writer's request alone, the other person's alone): ("a checkup for me", "a checkup
    for my son Leo"), the latter for the booking queued after the writer's; None for one person."""
    t = text or ""
    if not someone_else(t):
        return None
    for pattern, me, them in ((_ME_AND, 1, 2), (_AND_ME, 2, 1)):
        m = pattern.search(t)
        if m:
            rest = t[m.end():]
            if pattern is _AND_ME:  # "... and one for me too, Desmond Whitlock 1/1/1982": the writer's own details
                rest = _WRITERS_DETAILS.sub("", rest)
            return t[:m.start()] + m.group(me) + t[m.end():], t[:m.start()] + m.group(them) + rest
    return None


_WRITERS_DETAILS = re.compile(r"^\s*,?\s*(?:[A-Za-z][\w'-]*\s+){1,3}\d{1,2}/\d{1,2}/\d{2,4}")


# "actually just me for now", "nvm not her", "forget it, bye": no visit for the other person after all
_NOT_THEM = re.compile(r"\b(just (me|mine|for me)|only (me|mine|for me)|never ?mind|nvm|forget (it|about it|that)|not (now|today|anymore)|"
                       r"no thanks|nah|that'?s (all|it)|(good)?bye|cancel (that|it)|another (time|day) for (him|her|them))\b", re.I)


def drops_other(text: str, for_whom: dict | None, goal: str | None = None) -> bool:
    """Whether, asked who the other person is, the writer says they no longer want that visit ("cancel
    that" drops a booking, but asks again for a cancel: "I'm her mother, just cancel it")."""
    m = _NOT_THEM.search(text or "")
    return bool(for_whom) and bool(m) and not (goal in ("cancel", "reschedule") and m.group(0).lower().startswith("cancel"))

"""What the visit is for: plain words -> the guide's specialty (SNOMED) and visit-type codes.

Specialties are the demo clinic's (connectathon sprint-data.csv, ValueSet-specialty.json);
visit types are from CodeSystem-visit-type.json.
"""
from __future__ import annotations

import re

DERMATOLOGY = "394582007"
FAMILY = "419772000"
GASTRO = "394584008"
PEDIATRICS = "394537008"

SPECIALTY_NAMES = {
    DERMATOLOGY: "dermatology",
    FAMILY: "family medicine",
    GASTRO: "gastroenterology",
    PEDIATRICS: "pediatrics",
}

# Order matters: the first matching rule wins.
_SPECIALTY_RULES = [
    (PEDIATRICS, r"pediatric|paediatric|pediatra|peds\b|child|\bkids?\b|\bson\b|daughter|baby|toddler|infant|my boy|my girl|niñ|hij|well.?child"),
    (DERMATOLOGY, r"derm|skin|rash|acne|mole|eczema|psoriasis|itch|wart|hives|piel|sunburn|hair loss|nail"),
    (GASTRO, r"gastro|\bgi\b|stomach|belly|abdominal|heartburn|reflux|acid|bowel|colon|diarrh|constipat|nause|vomit|digest|estómago|estomago"),
    (FAMILY, r"family|general|primary|\bgp\b|pcp|checkup|check.up|check up|physical|annual|flu|cold|cough|fever|sore throat|covid|coronavirus|strep|urinary|vaccin|shot|blood pressure|diabetes|médico general|medico general|doctor de familia|m[eé]dico (de )?familia(r)?|medicina familiar|adult|regular doctor|headache|back pain"),
    # everyday reasons with no specialty of their own: a family doctor sees them
    (FAMILY, r"\b(routine|regular (visit|appointment|appt|doctor)|wellness|sick|\bill\b|not feeling (well|good)|pain|ache|hurt|sore|infection|sinus|allerg|uti\b|injur|sprain|follow.?up|med(ication)? refill|refill|any doctor|whoever is available|internal medicine|internist|"
     r"knee|ankle|shoulder|wrist|elbow|hip|neck|foot|feet|toe|joint|muscle|swollen|swelling|bruis|dizz|fatigue|tired all|"
     r"ear ?ache|earache|ear infection|\bears?\b|pink ?eye|\beyes?\b|throat|chest|breath|asthma|bugging me|bothering me|"
     r"blood (work|test)|lab work|prescription|stitches|\bcut\b|bite|sting|burn|vomit|nausea|migraine|insomnia|sleep|"
     r"anxiety|depress|stress|cholesterol|thyroid|weight)"),
]

_VISIT_RULES = [
    ("well-child", r"well.?child"),
    ("physical", r"physical|checkup|check.up|check up|annual"),
    ("follow-up", r"follow.?up"),
    ("flu-shot-clinic", r"flu shot|flu vaccine"),
    ("vaccine", r"vaccin|shot|immuniz"),
    ("new-patient", r"new patient"),
    ("urgent", r"urgent|asap|emergency"),
]


def specialty_from_text(text: str, strict: bool = False) -> str | None:
    """The specialty named or implied; ``strict`` skips the everyday-reasons rule (for telling a
    change of mind from a remark in the middle of choosing a time)."""
    rules = _SPECIALTY_RULES[:-1] if strict else _SPECIALTY_RULES
    t = _NEGATED.sub(lambda m: " " if any(re.search(p, m.group(1)) for _, p in rules) else m.group(0), (text or "").lower())
    for code, pattern in rules:
        if re.search(pattern, t):
            return code
    return None


# "a GI doctor, not dermatology", "instead of the skin doctor": the kind of visit said NOT to be it
_NEGATED = re.compile(r"\b(?:not|instead of|rather than|other than)\s+(?:a\s+|an\s+|the\s+|for\s+)?(\w+(?:\s+\w+)?)")


def visit_type_from_text(text: str) -> str | None:
    t = (text or "").lower()
    for code, pattern in _VISIT_RULES:
        if re.search(pattern, t):
            return code
    return None


def care_from_text(text: str) -> tuple[str | None, str | None]:
    """(specialty code, visit-type code) for a plain-words reason; kids' checkups go to
    pediatrics, a checkup alone to family medicine. A child brought along is no child's visit ("can i
    bring my daughter along? i need a skin check")."""
    from actions.who import COMPANY

    text = COMPANY.sub(" ", text or "")
    spec = specialty_from_text(text)
    visit = visit_type_from_text(text)
    if spec == PEDIATRICS and visit == "physical":
        visit = "well-child"
    if spec is None and visit in ("physical", "follow-up", "flu-shot-clinic", "vaccine", "new-patient"):
        spec = FAMILY
    return spec, visit


def two_kinds(text: str) -> tuple[str, str] | None:
    """ "a skin check and a physical": visits of two specialties asked for in one message, the words of
    each (the first, the second); None otherwise ("a checkup and a flu shot" is one family medicine visit)."""
    parts = [p for p in re.split(r"\s+(?:and|&|\+|plus|as well as)\s+", text or "", flags=re.I) if p.strip()]
    if len(parts) != 2:
        return None
    first, second = specialty_from_text(parts[0]), specialty_from_text(parts[1])
    return (parts[0], parts[1]) if first and second and first != second else None


# What may follow a reason inside the same word and still be that reason ("rashes", "itchy", "allergies",
# "dermatologist"); anything else makes it another word that merely holds one ("Achebe" holds "ache").
_INFLECTION = re.compile(r"(s|es|y|ies|e|ed|ing|er|ers|ic|al|a|ea|oea|ous|ion|ation|ations|ive|ian|ians|ness|iness|"
                         r"atolog\w*|olog\w*|enterolog\w*|tion|tions|d|ly|ily|ful|ish)?")


def says_reason(text: str) -> bool:
    """Whether the words say a reason for a visit, as care_from_text would read them, not counting a
    word that only contains one: "skin rash", "aches" and "the flu" do, "Chidi Achebe" and "Augusta Fairchild" do not."""
    t = (text or "").lower()
    for pattern in [p for _, p in _SPECIALTY_RULES] + [p for _, p in _VISIT_RULES]:
        for m in re.finditer(pattern, t):
            inside_a_word = m.start() > 0 and t[m.start() - 1].isalpha()  # ("Fairchild" is no child)
            if not inside_a_word and _INFLECTION.fullmatch(re.match(r"[a-zà-ÿ]*", t[m.end():]).group(0)):
                return True
    return False


def for_a_child(spec: str | None, visit: str | None) -> tuple[str | None, str | None]:
    """A child's visit goes to pediatrics whatever the complaint ("my 6 year old has a rash"): the
    clinic's pediatricians see children; a checkup becomes a well-child visit."""
    if spec is None or spec == PEDIATRICS and visit != "physical":
        return spec, visit
    return PEDIATRICS, "well-child" if visit == "physical" else visit


def specialty_name(code: str | None) -> str:
    return SPECIALTY_NAMES.get(code or "", "a clinician")

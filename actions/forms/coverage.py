"""Coverage: insured or self-pay; payer and member id -> Coverage (Argonaut Coverage profile)."""
from __future__ import annotations

import difflib
import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.common import NO, YES, client, clinic, say
from actions.forms.base import FlowForm
from actions.next_step import PAYING_MYSELF as SAYS_SELF_PAY

log = logging.getLogger("schedbot.actions.coverage")

SELF_PAY = re.compile(r"\b(self|self-?pay\w*|selfpay|(slef|sefl|slf|sel|elf)[- ]?pay|self[- ]?(py|pya|apy|paye)|cash|pay (it )?my ?self|out of pocket|no insurance|don'?t have( any)? insurance|uninsured|not insured|none|no|nope|sin seguro|pagar yo|pago yo|yo pago|pago en efectivo|efectivo|pago particular)\b", re.I)
INSURED = re.compile(r"\b(insurance|insured|yes|yeah|yep|yup|plan|through|seguro|s[ií])\b", re.I)

ALIASES = {
    "aetna": "Aetna",
    "anthem": "Anthem Blue Cross",
    "blue cross": "Anthem Blue Cross",
    "bcbs": "Anthem Blue Cross",  # as "blue cross blue shield" reads (its first alias)
    "blue shield": "Blue Shield of California",
    "cigna": "Cigna",
    "health net": "Health Net",
    "healthnet": "Health Net",
    "kaiser": "Kaiser Permanente",
    "medicare": "Medicare",
    "medi-cal": "Medi-Cal",
    "medi cal": "Medi-Cal",
    "medical": "Medi-Cal",
    "medicaid": "Medi-Cal",
    "united": "UnitedHealthcare",
    "uhc": "UnitedHealthcare",
}


def match_payer(text: str, loose: bool = False) -> dict | None:
    """The clinic's payer named in ``text`` ({"name", "id"}), or None. ``loose`` (an answer to "which
    insurance?") also takes a near spelling: "aetan", "blue sheild", "kaiser permenente"."""
    t = (text or "").lower()
    payers = clinic().get("payers") or []

    def named(name: str) -> dict:
        return next((p for p in payers if p.get("name") == name), {"name": name, "id": None})

    for p in payers:
        if p.get("name") and p["name"].lower() in t:
            return p
    for alias, name in ALIASES.items():
        if re.search(rf"\b{re.escape(alias)}\b", t):
            return named(name)
    if loose:
        spellings = {**{p["name"].lower(): p["name"] for p in payers if p.get("name")}, **ALIASES}
        words = re.findall(r"[a-z][a-z\-]+", t)
        for n in (3, 2, 1):  # the longest run of words that is close to a payer's name
            for i in range(len(words) - n + 1):
                said = " ".join(words[i:i + n])
                close = difflib.get_close_matches(said, spellings, n=1, cutoff=0.8) if len(said) >= 5 else []
                if close:
                    return named(spellings[close[0]])
    return None


def member_id_in(text: str) -> str | None:
    """A member id inside a longer answer ("blue shield, member id BSX5512345"): a 5-24 character
    token with digits that is not a date or a phone number."""
    m = re.search(r"\b(member|id|number|no\b\.?|#)\s*(id|number|no\b\.?|#)?\s*(is|:)?\s*([A-Za-z0-9][A-Za-z0-9 \-]{3,30})$", text or "", re.I)
    if m:  # "member number 123 456 789": typed in groups
        joined = re.sub(r"[\s\-]+", "", m.group(4))
        if 5 <= len(joined) <= 24 and re.search(r"\d", joined) and re.fullmatch(r"[A-Za-z0-9]+", joined):
            return joined.upper()
    for token in re.findall(r"(?<![\w/-])([A-Za-z]{0,4}[\-]?\d[A-Za-z0-9\-]{3,22})(?![\w/])", text or ""):
        if len(token) < 5 or re.fullmatch(r"\d{1,2}-\d{1,2}-\d{2,4}", token):
            continue
        if re.fullmatch(r"\d{3}-\d{3}-\d{4}", token):  # a phone number, typed as one ("UnitedHealthcare 9182736450" is an id)
            continue
        return token.upper()
    return None


LATER = "later"  # the member_id slot when the patient will bring the card
# what says "self pay" in a first message (next_step), and the ways it is said as an answer here
PAYING_MYSELF = re.compile(SAYS_SELF_PAY.pattern + r"|\b(not insured|pay for it my ?self|don'?t have (any )?insurance)\b", re.I)
NO_CARD = re.compile(r"\b(later|skip|not sure|no idea|dunno|idk|don'?t know|do not know|don'?t remember|can'?t find|lost (it|my card)|"
                     r"(don'?t|do not|dont) have (it|(my|the|her|his|their|our) (insurance )?card)|no card|not with me|not on me|left it|at home)\b", re.I)
# "no" / "none" / "i don't have one" for the plan's name
NO_PLAN = re.compile(r"^\W*(?:(?:oh|um+|well|actually|sorry)\W+)*(no|nope|nah|none|nothing|n/?a|i don'?t have (one|any)|not insured)\W*"
                     r"(?:(?:thanks|thank you|sorry)\W*)?$", re.I)
# an answer about insurance that mentions someone else: "I'm on my husband's plan"
ABOUT_A_PLAN = re.compile(r"\b(insurance|insured|plan|policy|covered|coverage|card|member|employer|work|job|pays?)\b", re.I)
DATE_LIKE = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}-\d{1,2}-(19|20)\d{2}\b|"
                       r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?,? (19|20)\d{2}\b", re.I)
_ID_WORDS = re.compile(r"^\s*((it'?s|its|my|the|member|subscriber|policy|insurance|card|id|number|no\.?|#|is|:|-)\s*)+", re.I)


_SPOKEN_DIGITS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                  "seven": "7", "eight": "8", "nine": "9"}
_FILLERS = {"um", "umm", "uh", "uhh", "er", "erm", "so", "ok", "okay", "yeah", "its", "it", "is", "my", "the", "number",
            "id", "member", "card", "insurance", "policy", "medicare", "medicaid", "medi", "cal"}


def spoken_member_id(text: str) -> str | None:
    """An id read out letter by letter and digit by digit, as a caller does ("one e g four t e five m k seven
    three" is 1EG4TE5MK73); None unless every word after the lead-in is a digit or a single letter."""
    words = re.findall(r"[a-z]+|\d", (text or "").lower())
    while words and words[0] in _FILLERS:
        words.pop(0)
    if len(words) >= 5 and all(w in _SPOKEN_DIGITS or len(w) == 1 for w in words) \
            and sum(w in _SPOKEN_DIGITS or w.isdigit() for w in words) >= 3 and any(w in _SPOKEN_DIGITS for w in words):
        return "".join(_SPOKEN_DIGITS.get(w, w) for w in words).upper()
    return None


def typed_member_id(text: str) -> str | None:
    """The member id of an answer to "what's the member ID?": "XEB 445 88120" and "W 2234 5567 89" are
    one id typed in groups, "my id is A-12345" keeps its hyphen, "one e g four t e five…" read out is one
    too; None without a digit."""
    spoken = spoken_member_id(text)
    if spoken:
        return spoken
    rest = _ID_WORDS.sub("", text or "").strip(" .,;!")
    if re.fullmatch(r"[A-Za-z0-9\-]+( [A-Za-z0-9\-]+){0,5}", rest):
        joined = rest.replace(" ", "")
        # groups of an id: letters only in short groups ("XEB"), digits enough ("what about 2 weeks" is no id)
        short_words = all(len(g) <= 4 for g in rest.split() if g.isalpha())
        if 5 <= len(joined) <= 24 and len(re.findall(r"\d", joined)) >= 3 and (short_words or " " not in rest):
            return joined.upper()
    ids = [t for t in re.findall(r"[A-Za-z0-9\-]{5,24}", text or "") if re.search(r"\d", t)]
    return ids[-1].upper() if ids else None


def self_pay_coverage(patient_id: str) -> dict:
    ref = f"Patient/{patient_id}"
    return {
        "resourceType": "Coverage",
        "meta": {"profile": ["http://fhir.org/guides/argonaut-scheduling/StructureDefinition/argo-coverage"]},
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-selfpay", "code": "pay", "display": "PAY"}]},
        "subscriber": {"reference": ref},
        "beneficiary": {"reference": ref},
        "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self"}]},
        "payor": [{"reference": ref}],
    }


# "I have Humana", "we've got Oscar Health", "my insurance is Molina": a plan named at the first question
_HAVE_PLAN = re.compile(r"^(?:i have|i've got|i got|we have|we've got|my insurance is|our insurance is|insurance is|i'?m with|we'?re with|"
                        r"i'?m on|we'?re on|it'?s|its)\s+(?!(?:a|an|the|my|our|no|not|none|some|any|question|questions|appointment|appt|problem|issue|"
                        r"time|kid|child|son|daughter|wife|husband|card|it|that|this|one|two)\b)(?P<plan>[a-z][\w&.' -]{1,50})$", re.I)


class ValidateCoverageForm(FlowForm):
    def name(self) -> Text:
        return "validate_coverage_form"

    def needed(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("coverage_done") or tracker.get_slot("outcome"):
            return []
        if tracker.get_slot("coverage_kind") == "insured":
            return ["coverage_kind", "payer", "member_id"]
        return ["coverage_kind"]

    async def validated_events(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        switched = self._someone_else_now(dispatcher, tracker)
        if switched:  # the form ends; action_next finds (or registers) that person, then asks this again
            return [*(SlotSet(k, v) for k, v in switched.items()), SlotSet("requested_slot", None)]
        return await super().validated_events(dispatcher, tracker, domain)

    def _someone_else_now(self, dispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """ "actually, can we make it for my daughter instead?" when asked about insurance: the coverage
        is theirs, so they are found first; what the visit is for and when stay (as in forms/booking.py)."""
        from actions.common import latest_intent, latest_text
        from actions.who import person_switched, switched_slots

        text = latest_text(tracker)
        if not tracker.get_slot("requested_slot") or latest_intent(tracker) in ("ask_hours", "ask_location", "ask_insurance",
                                                                               "handoff", "start_over", "goodbye"):
            return {}
        if match_payer(text) or ABOUT_A_PLAN.search(text):  # "I'm on my husband's plan": an answer, not a switch
            return {}
        switched = person_switched(text, tracker.get_slot("for_whom"), tracker.get_slot("person_name"))
        if switched is None:
            return {}
        who, label, other = switched
        spec = tracker.get_slot("specialty")
        out = {**switched_slots(who, other, spec, tracker.get_slot("visit_type"), spec), "form_misses": 0}
        log.info("event=patient_switched_at_coverage")
        say(dispatcher, f"OK, I'll book for {label} instead.")
        return out

    async def validate_coverage_kind(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        from actions.forms.booking import queue_another_booking

        from actions.digressions import answered_inline  # (digressions reads the payers here: imported late)

        if await answered_inline(dispatcher, tracker):  # "how much is it if i pay myself?": answered, asked again
            return {"coverage_kind": None}
        paused = queue_another_booking(dispatcher, tracker)  # "self pay, and can you book my son too": after this one
        if paused:  # (its words are the next booking's, not this one's time; the payment said is this one's)
            paused["then"][-1]["text"] = SAYS_SELF_PAY.sub(" ", paused["then"][-1]["text"])
            return {**self._kind(dispatcher, tracker, value, quiet=True), "paused": paused}
        out = self._extra(tracker, str(value or ""))
        return {**out, **self._kind(dispatcher, tracker, value)}

    def _extra(self, tracker: Tracker, text: str) -> Dict[Text, Any]:
        """What else the answer said: "aetna W123456789", "self pay, wednesday works"."""
        out: Dict[Text, Any] = {}
        if text in ("insured", "self-pay"):
            return out
        member = member_id_in(text)
        if member and match_payer(text):
            out["member_id"] = member
        elif NO_CARD.search(text) and (match_payer(text) or INSURED.search(text)):
            out["member_id"] = LATER  # "blue shield, but i don't have my card with me"; "I have insurance but not my card"
        if not tracker.get_slot("care") and tracker.get_slot("goal") == "book":
            from actions.care import care_from_text, specialty_name
            from actions.who import someone_else

            spec, visit = care_from_text(text)
            if spec and not someone_else(text):  # "he needs a skin check, self pay": what for, not asked again
                out.update({"care": specialty_name(spec), "specialty": spec, "visit_type": visit})  # (not "my son's plan")
        if not tracker.get_slot("when_text") and tracker.get_slot("goal") in ("book", "reschedule"):
            from actions.forms.offer_times import parse_windows

            # ("i don't have my card with me right now": no time asked for)
            windows = parse_windows(re.sub(r"\b(right now|at the moment|currently|now)\b", " ", text, flags=re.I))
            if windows:
                out.update({"when_text": text, "windows": windows})
        return out

    def _kind(self, dispatcher, tracker: Tracker, value: Any, quiet: bool = False) -> Dict[Text, Any]:
        text = str(value or "")
        turn = re.search(r"\b(but|though|however|rather|instead)\b", text, re.I)
        if turn and (SELF_PAY.search(text[turn.end():]) or PAYING_MYSELF.search(text[turn.end():])):
            return {"coverage_kind": "self-pay", "form_misses": 0}  # "I have insurance but I want to pay cash"
        payer = match_payer(text, loose=not SELF_PAY.search(text))
        if payer:
            return {"coverage_kind": "insured", "payer": payer["name"], "form_misses": 0}
        if value in ("insured", "self-pay"):
            return {"coverage_kind": value}
        if re.search(r"\binsurance\b", text, re.I) and not re.search(r"\b(no|don'?t|without)\b", text, re.I):
            return {"coverage_kind": "insured", "form_misses": 0}
        if SELF_PAY.search(text) or PAYING_MYSELF.search(text) or tracker.get_intent_of_latest_message() == "deny":
            return {"coverage_kind": "self-pay", "form_misses": 0}  # ("we pay ourselves")
        if INSURED.search(text) or tracker.get_intent_of_latest_message() == "affirm":
            return {"coverage_kind": "insured", "form_misses": 0}
        if re.fullmatch(r"\s*[A-Za-z]{0,4}\d[A-Za-z0-9\-]{4,22}\s*", text) and not DATE_LIKE.search(text) and not quiet:
            # "C998877": the member id, given first; the plan's name is asked next
            return {"coverage_kind": "insured", "member_id": text.strip().upper(), "form_misses": 0}
        instead = self._said_instead(tracker, text) if not quiet else {}
        plan = _HAVE_PLAN.match(text.strip())
        if plan and not quiet and not instead:
            # "I have Humana": a plan that is not on our list, noted as at the plan's question
            member = member_id_in(text)
            name = re.sub(re.escape(member), " ", plan.group("plan"), flags=re.I) if member else plan.group("plan")
            name = re.sub(r"\b(member|id|number|no|#)\b[:#\s]*", " ", name, flags=re.I)
            name = re.sub(r"\s+", " ", name).strip(" ,;:-.")
            if 2 <= len(name) <= 40 and not NO.search(name):
                say(dispatcher, "I've noted that plan; the clinic will check whether it's in network.")
                return {"coverage_kind": "insured", "payer": name.title(), "form_misses": 0,
                        **({"member_id": member} if member else {})}
        if instead:  # "could we come in thursday after 3?": kept for the booking, and the question asked again
            say(dispatcher, "Noted.")
            return {**instead, "coverage_kind": None}
        from actions.care import care_from_text

        said_care, said_visit = care_from_text(text)
        if not quiet and said_care and said_care == tracker.get_slot("specialty"):
            return {"coverage_kind": None}  # "ok now the GI appointment": the booking under way; the question again
        if not quiet and said_care and tracker.get_slot("specialty") and tracker.get_slot("goal") == "book":
            from actions.care import specialty_name
            from actions.who import someone_else

            if not someone_else(text):  # "oh wait actually I think I need a family doctor first": that visit
                say(dispatcher, f"OK, {specialty_name(said_care)} instead.")
                log.info("event=care_changed_at_coverage")
                return {"care": specialty_name(said_care), "specialty": said_care, "visit_type": said_visit,
                        "practitioner": None, "coverage_kind": None}
        if not quiet:  # (quiet: the message was about something else, answered already)
            self.miss(dispatcher, tracker, "Sorry, I didn't catch that.")
        return {"coverage_kind": None}

    def _said_instead(self, tracker: Tracker, text: str) -> Dict[Text, Any]:
        """What an answer that is not about insurance said ("family medicine", "this friday at noon"):
        kept for the booking, so it is not asked again."""
        return {k: v for k, v in self._extra(tracker, text).items() if k != "member_id"}

    async def validate_payer(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if PAYING_MYSELF.search(str(value or "")):  # "we pay ourselves": no plan after all
            return {"coverage_kind": "self-pay", "payer": None, "form_misses": 0}
        if NO_PLAN.match(str(value or "")):  # "no" / "none" for the plan's name: no insurance after all
            return {"coverage_kind": "self-pay", "payer": None, "form_misses": 0}
        payer = match_payer(str(value or ""), loose=True)
        queued = self.another_booking(dispatcher, tracker, "payer", payer["name"] if payer else None)
        if queued:  # "aetna, and can you book my son too": not a plan's name; the son's booking after this one
            return queued
        member = member_id_in(str(value or ""))
        if payer:
            return {"payer": payer["name"], "form_misses": 0, **({"member_id": member} if member else {})}
        if member:  # "Blue Sky Health 12345678": the plan's name is what comes before the id
            value = str(value).replace(member, " ").replace(member.lower(), " ")
            value = re.sub(r"\b(member|id|number|no|#)\b[:#\s]*", " ", value, flags=re.I).strip(" ,;:-")
        text = re.sub(r"^(it'?s|its|i have|through|with)\s+", "", str(value or "").strip(), flags=re.I)
        instead = self._said_instead(tracker, text) if not member else {}
        if instead:  # "family medicine" / "friday at noon": kept, and the plan asked again
            say(dispatcher, "Noted.")
            return {**instead, "payer": None}
        if 2 <= len(text) <= 40 and re.search(r"[A-Za-z]", text) and not YES.match(text):  # ("yes": no plan's name)
            say(dispatcher, "I've noted that plan; the clinic will check whether it's in network.")
            return {"payer": text.title(), "form_misses": 0, **({"member_id": member} if member else {})}
        self.miss(dispatcher, tracker, "Sorry, I didn't catch the name of your insurance.")
        return {"payer": None}

    async def validate_member_id(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        queued = self.another_booking(dispatcher, tracker, "member_id", member_id_in(str(value or "")))
        if queued:  # "oh and can you book my son too": not an id; the son's booking after this one
            return queued
        text = str(value or "")
        from actions.digressions import MEMBER_ID_QUESTION, answered_inline

        if NO_CARD.search(text) and not MEMBER_ID_QUESTION.search(text):
            # "i don't have my card with me", "idk where the card is": the plan is kept, the front desk takes the id
            return {"member_id": LATER, "form_misses": 0}
        if await answered_inline(dispatcher, tracker):  # "where do i find the member id?": told, asked again
            return {"member_id": None}
        if PAYING_MYSELF.search(text):  # "ok then self pay": the plan is dropped, not asked again
            return {"coverage_kind": "self-pay", "payer": None, "member_id": None, "form_misses": 0}
        if DATE_LIKE.search(text):
            self.miss(dispatcher, tracker, "That looks like a date. The member ID is on your insurance card, like W123456789.")
            return {"member_id": None}
        member = typed_member_id(text)
        if not member:
            instead = self._said_instead(tracker, text)
            if instead:  # "family medicine" / "friday at noon": kept, and the id asked again
                say(dispatcher, "Noted. No card at hand? Say 'later'.")
                return {**instead, "member_id": None}
            self.miss(dispatcher, tracker, "Sorry, the member ID usually has letters and numbers, like W123456789. "
                                           "No card at hand? Say 'later'.")
            return {"member_id": None}
        return {"member_id": member, "form_misses": 0}

    async def after_validation(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        from actions.fhir import SchedulerError, SchedulerUnavailable, build_coverage

        kind = tracker.get_slot("coverage_kind")
        patient_id = tracker.get_slot("patient_id")
        if tracker.get_slot("coverage_done") or not patient_id or not kind:
            return {}
        if kind == "insured" and not (tracker.get_slot("payer") and tracker.get_slot("member_id")):
            return {}
        created = {}
        try:
            if kind == "self-pay":  # (its id kept too: a plan said later withdraws it)
                created = {"coverage_id": (await client().create_coverage(self_pay_coverage(patient_id))).id}
                say(dispatcher, "Self-pay, got it.")
            else:
                payer_name = tracker.get_slot("payer")
                payer = match_payer(payer_name) or {"name": payer_name, "id": None}
                member = tracker.get_slot("member_id")
                plan = await client().create_coverage(build_coverage(
                    patient_id, payer_name=payer["name"], member_id=None if member == LATER else member, payer_id=payer.get("id")))
                created = {"coverage_id": plan.id}
                from actions.who import whose

                if member == LATER:
                    say(dispatcher, f"No problem: {payer['name']} is noted. Please bring your insurance card to the visit.")
                else:
                    say(dispatcher, f"Thanks, {whose(tracker.get_slot('for_whom'))} {payer['name']} coverage is on file.")  # ("your son's")
        except SchedulerUnavailable:
            log.warning("event=coverage_unavailable")
            say(dispatcher, "Sorry, our scheduling system isn't answering right now. Please try again soon, or reply 'agent' and someone will call you.")
            return {"outcome": "unavailable"}
        except SchedulerError:
            log.warning("event=coverage_rejected")
            say(dispatcher, "I couldn't save the insurance details, but the front desk can take them at your visit.")
        log.info("event=coverage_saved patient=%s kind=%s", patient_id, kind)
        return {"coverage_done": True, **created}


# "i have new insurance now, it's aetna W987654321", "my insurance changed to cigna": a plan that replaces the one on file
NEW_PLAN = re.compile(r"\b(new|different|another|changed?|switched|updated?)\b.{0,25}\b(insurance|plan|coverage)\b|"
                      r"\b(insurance|plan|coverage)\b.{0,20}\b(changed|is now|switched|instead)\b|"
                      # "actually wait, I do have insurance, it's Health Net HN5544332" (after self-pay)
                      r"\b(i do|i actually|actually i|i did) have (insurance|a plan|coverage)\b|\b(insurance|a plan) after all\b", re.I)


async def payment_instead(dispatcher, tracker: Tracker, text: str) -> Dict[Text, Any] | None:
    """ "self pay then", or a new plan ("i have new insurance now, it's aetna W987654321"), said after
    the payment was settled (choosing a time, or with one held; a plan on file). A Coverage is added for
    it, and the plan this conversation put on file is withdrawn (status cancelled; a plan on file from
    before stays: the front desk sees both, the newer first). The slots to set, or None when ``text``
    says no such thing or changes nothing."""
    from actions.fhir import SchedulerError, build_coverage

    patient_id = tracker.get_slot("patient_id")
    if not (patient_id and tracker.get_slot("verified")):
        return None
    payer = match_payer(text) if NEW_PLAN.search(text or "") and not PAYING_MYSELF.search(text or "") else None
    if payer:
        member = member_id_in(text)
        coverage = build_coverage(patient_id, payer_name=payer["name"], member_id=member, payer_id=payer.get("id"))
        done = (f"Thanks, your {payer['name']} coverage is on file." if member else
                f"OK, {payer['name']} is noted. Please bring your insurance card to the visit.")
        kind = "insured"
    elif PAYING_MYSELF.search(text or "") and tracker.get_slot("coverage_kind") != "self-pay":
        coverage, kind = self_pay_coverage(patient_id), "self-pay"  # (self-pay already: "checkup tues, self pay" in one message)
        done = "OK, self-pay then: I've noted that you'll pay for the visit yourself."
    else:
        return None
    try:
        created = await client().create_coverage(coverage)
    except SchedulerError:
        log.warning("event=coverage_change_failed")
        say(dispatcher, "Sorry, I couldn't change that right now. The front desk can take care of it at your visit.")
        return {"form_misses": 0}
    plan_id = tracker.get_slot("coverage_id")
    try:
        if plan_id:
            plan = await client().read("Coverage", plan_id)
            plan.status = "cancelled"
            await client().update(plan)
    except SchedulerError:  # the new one is on file, the newer of the two; the front desk sees both
        log.warning("event=coverage_withdraw_failed")
    log.info("event=coverage_saved patient=%s kind=%s withdrawn=%s", patient_id, kind, bool(plan_id))
    say(dispatcher, done)
    return {"coverage_kind": kind, "payer": payer["name"] if payer else None, "member_id": None,
            "coverage_id": created.id, "coverage_done": True, "form_misses": 0}

"""`POST Patient/$match`: find a patient's record from demographics (provider-based scheduling).

Deterministic, explained scoring. Each feature of the candidate is compared with the query and
earns points (weights below; the full table is in `scheduler/README.md`, "Patient matching"):

| feature | points |
|---|---|
| identifier: same system and value | +0.40 (same system, other value: -0.40) |
| birth date: equal | +0.20 (one digit off or day/month swapped: +0.08; otherwise -0.20) |
| family name: equal | +0.15 (typo, edit distance <= 1, or <= 2 from 7 letters: +0.10) |
| given name: equal | +0.10 (nickname, Bob/Robert: +0.09; typo: +0.07; initial only: +0.03) |
| phone: any number's last 10 digits equal | +0.10 |
| address: postal code equal | +0.03, plus +0.02 when the first line is equal too |
| gender: both given and different | -0.10 |

The grade is decided by rules, the score by the grade's band plus the points inside it:
- certain: identifier equal with no birth-date or family-name conflict; or family (equal or typo),
  given (equal or nickname), birth date equal, and phone or address equal;
- probable: family and given at least typo-close and birth date equal; or an identifier equal
  with a conflict;
- possible: points >= 0.30;
- certainly-not: everything else (never returned).
score = band low + (band high - band low) * min(points, 1), bands certain [0.90, 1.00],
probable [0.70, 0.90), possible [0.40, 0.70). Ties order by patient id.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MATCH_GRADE_URL = "http://hl7.org/fhir/StructureDefinition/match-grade"
BANDS = {"certain": (0.90, 1.00), "probable": (0.70, 0.90), "possible": (0.40, 0.70), "certainly-not": (0.0, 0.40)}
GRADE_RANK = {"certain": 0, "probable": 1, "possible": 2, "certainly-not": 3}

_NICK_GROUPS = [
    "robert bob bobby rob robbie bert", "william bill billy will willie liam", "elizabeth liz lizzie beth betty eliza betsy libby",
    "james jim jimmy jamie", "john jack johnny jon", "richard dick rick ricky rich", "charles charlie chuck chas",
    "thomas tom tommy", "michael mike mikey mick", "joseph joe joey", "margaret maggie meg peggy marge",
    "katherine kate katie kathy cathy catherine kathryn kat", "jennifer jen jenny", "patricia pat patty trish tricia",
    "christopher chris kit", "daniel dan danny", "matthew matt", "anthony tony", "edward ed eddie ted ned",
    "alexander alex al sandy", "alexandra alex sandra sandy lexi", "andrew andy drew", "steven steve stephen",
    "benjamin ben benny", "samuel sam sammy", "samantha sam sammy", "nicholas nick nicky", "timothy tim timmy",
    "jonathan jon jonny", "gregory greg", "susan sue susie suzanne", "deborah deb debbie debra",
    "rebecca becky becca", "victoria vicky tori", "jessica jess jessie", "abigail abby", "dorothy dot dottie",
    "frances fran frannie", "francis frank frankie", "henry hank harry", "harold harry hal", "lawrence larry",
    "ronald ron ronnie", "donald don donnie", "kenneth ken kenny", "gerald gerry jerry", "peter pete",
    "raymond ray", "theodore ted teddy theo", "zachary zach zack", "joshua josh", "david dave davey",
    "christina chris tina christine", "cynthia cindy", "pamela pam", "barbara barb barbie", "judith judy",
    "virginia ginny", "amanda mandy", "melissa missy mel", "kimberly kim", "angela angie", "stephanie steph",
    "nancy nan", "mary molly mae polly", "sarah sara sally", "ann anne annie anna", "josephine jo josie",
]
NICKNAMES: dict[str, set[str]] = {}
for _g in _NICK_GROUPS:
    _names = _g.split()
    for _n in _names:
        NICKNAMES.setdefault(_n, set()).update(x for x in _names if x != _n)


def norm(s) -> str:
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9 ]+", "", s).strip()


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _typo(a: str, b: str) -> bool:
    if not a or not b or min(len(a), len(b)) < 3:
        return False
    return edit_distance(a, b) <= (2 if min(len(a), len(b)) >= 7 else 1)


@dataclass
class Demographics:
    identifiers: set = field(default_factory=set)     # {(system, value)}
    families: set = field(default_factory=set)
    givens: list = field(default_factory=list)        # first given names (normalized)
    birthdate: str = ""
    gender: str = ""
    phones: set = field(default_factory=set)
    postals: set = field(default_factory=set)
    lines: set = field(default_factory=set)

    @classmethod
    def of(cls, p: dict) -> "Demographics":
        d = cls()
        for i in p.get("identifier") or ():
            if i.get("value"):
                d.identifiers.add((str(i.get("system") or ""), str(i["value"]).strip()))
        for n in p.get("name") or ():
            if n.get("family"):
                d.families.add(norm(n["family"]))
            for g in (n.get("given") or [])[:1]:
                if norm(g):
                    d.givens.append(norm(g).split()[0])
            if not n.get("family") and not n.get("given") and n.get("text"):
                parts = norm(n["text"]).split()
                if len(parts) >= 2:
                    d.givens.append(parts[0])
                    d.families.add(parts[-1])
        d.birthdate = str(p.get("birthDate") or "")[:10]
        d.gender = str(p.get("gender") or "")
        for t in p.get("telecom") or ():
            if t.get("system", "phone") in ("phone", "sms") and t.get("value"):
                digits = re.sub(r"\D", "", str(t["value"]))[-10:]
                if len(digits) >= 7:
                    d.phones.add(digits)
        for a in p.get("address") or ():
            if a.get("postalCode"):
                d.postals.add(norm(a["postalCode"])[:5])
            for ln in (a.get("line") or [])[:1]:
                d.lines.add(norm(ln))
        return d


def _near_date(a: str, b: str) -> bool:
    if len(a) != 10 or len(b) != 10:
        return False
    if sum(x != y for x, y in zip(a, b)) == 1:
        return True
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def score(query: Demographics, cand: Demographics) -> tuple[float, str, list[str]]:
    """(score, grade, explanation lines) of one candidate."""
    pts, why = 0.0, []
    id_equal = id_conflict = False
    if query.identifiers and cand.identifiers:
        if query.identifiers & cand.identifiers:
            id_equal = True
            pts += 0.40
            why.append("identifier equal +0.40")
        elif {s for s, _ in query.identifiers if s} & {s for s, _ in cand.identifiers if s}:
            id_conflict = True
            pts -= 0.40
            why.append("identifier differs in the same system -0.40")
    bd = ""
    if query.birthdate and cand.birthdate:
        if query.birthdate == cand.birthdate:
            bd = "equal"
            pts += 0.20
            why.append("birth date equal +0.20")
        elif _near_date(query.birthdate, cand.birthdate):
            bd = "near"
            pts += 0.08
            why.append("birth date one digit off or day/month swapped +0.08")
        else:
            bd = "conflict"
            pts -= 0.20
            why.append("birth date differs -0.20")
    fam = ""
    if query.families and cand.families:
        if query.families & cand.families:
            fam = "equal"
            pts += 0.15
            why.append("family name equal +0.15")
        elif any(_typo(a, b) for a in query.families for b in cand.families):
            fam = "typo"
            pts += 0.10
            why.append("family name typo +0.10")
        else:
            fam = "conflict"
    giv = ""
    if query.givens and cand.givens:
        qg, cg = set(query.givens), set(cand.givens)
        if qg & cg:
            giv, p = "equal", 0.10
        elif any(b in NICKNAMES.get(a, ()) for a in qg for b in cg):
            giv, p = "nickname", 0.09
        elif any(_typo(a, b) for a in qg for b in cg):
            giv, p = "typo", 0.07
        elif any((len(a) == 1 or len(b) == 1) and a[0] == b[0] for a in qg for b in cg):
            giv, p = "initial", 0.03
        else:
            giv, p = "conflict", 0.0
        if p:
            pts += p
            why.append(f"given name {giv} +{p:.2f}")
    phone = bool(query.phones & cand.phones)
    if phone:
        pts += 0.10
        why.append("phone equal +0.10")
    addr = bool(query.postals & cand.postals)
    if addr:
        pts += 0.03
        why.append("postal code equal +0.03")
        if query.lines & cand.lines:
            pts += 0.02
            why.append("address line equal +0.02")
    if query.gender and cand.gender and query.gender != cand.gender and "unknown" not in (query.gender, cand.gender):
        pts -= 0.10
        why.append("gender differs -0.10")

    if id_equal and bd != "conflict" and fam != "conflict":
        grade = "certain"
    elif fam in ("equal", "typo") and giv in ("equal", "nickname") and bd == "equal" and (phone or addr):
        grade = "certain"
    elif (fam in ("equal", "typo") and giv in ("equal", "nickname", "typo") and bd == "equal") or id_equal:
        grade = "probable"
    elif pts >= 0.30 and not id_conflict:
        grade = "possible"
    else:
        grade = "certainly-not"
    lo, hi = BANDS[grade]
    value = lo + (hi - lo) * max(0.0, min(pts, 1.0))
    if grade != "certain":
        value = min(value, hi - 0.001)
    return round(value, 3), grade, why


def rank(query_patient: dict, candidates: list[dict]) -> list[tuple[dict, float, str, list[str]]]:
    """Candidates worth returning, best first: (patient, score, grade, explanation)."""
    q = Demographics.of(query_patient)
    out = []
    for c in candidates:
        s, g, why = score(q, Demographics.of(c))
        if g != "certainly-not":
            out.append((c, s, g, why))
    out.sort(key=lambda t: (GRADE_RANK[t[2]], -t[1], str(t[0].get("id"))))
    return out


# --- the operation -------------------------------------------------------------------------------------

DEFAULT_COUNT = 10
MAX_COUNT = 100


def _candidates(ctx, q: Demographics) -> list[dict]:
    """Rows worth scoring: same birth date, phone, identifier value, or family name starting alike."""
    import json as _json

    from sqlalchemy import or_, select

    from scheduler.storage.schema import patient

    conds = []
    if q.birthdate:
        conds.append(patient.c.birthdate == q.birthdate)
        if len(q.birthdate) == 10:
            conds.append(patient.c.birthdate.like(q.birthdate[:4] + "%"))
    for ph in q.phones:
        conds.append(patient.c.phones.like(f"% {ph} %"))
    for _, value in q.identifiers:
        conds.append(patient.c.identifiers.like(f"%|{value} %"))
    for fam in q.families:
        if fam:
            conds.append(patient.c.family.like(fam[:2] + "%"))
    if not conds:
        return []
    with ctx.store.read() as conn:
        rows = conn.execute(select(patient.c.json).where(or_(*conds)).limit(20000)).all()
    return [_json.loads(r[0]) for r in rows]


def match(ctx, params: dict, base: str) -> dict:
    from scheduler.operations.common import FhirError, one, outcome

    resources = params.get("resource") or []
    if len(resources) != 1 or not isinstance(resources[0], dict):
        raise FhirError(400, "required", "give exactly one parameter 'resource' holding a Patient")
    qp = resources[0]
    if qp.get("resourceType") != "Patient":
        raise FhirError(400, "invalid", "parameter 'resource' must be a Patient")
    from scheduler.resources import validate
    validate("Patient", qp)  # a well-formed R4 Patient, else 422 naming the fields
    only = (one(params, "onlyCertainMatches") or "false").strip().lower()
    if only not in ("true", "false"):
        raise FhirError(400, "invalid", "onlyCertainMatches must be true or false")
    raw = one(params, "count")
    try:
        count = DEFAULT_COUNT if raw is None else int(raw)
    except ValueError:
        raise FhirError(400, "invalid", "count must be an integer")
    if count < 1:
        raise FhirError(400, "invalid", "count must be at least 1")
    count = min(count, MAX_COUNT)
    q = Demographics.of(qp)
    if not (q.identifiers or q.families or q.birthdate or q.phones):
        raise FhirError(422, "business-rule", "the Patient needs at least a name, a birth date, a phone or an identifier")
    ranked = rank(qp, _candidates(ctx, q))
    notes = []
    if only == "true":
        ranked = [r for r in ranked if r[2] == "certain"]
        if len(ranked) > 1:
            ranked = []
            notes.append(outcome("multiple-matches", "more than one certain match: refine the query", "information"))
    ranked = ranked[:count]
    entries = [{"fullUrl": f"{base}/Patient/{p['id']}", "resource": p,
                "search": {"mode": "match", "score": s,
                           "extension": [{"url": MATCH_GRADE_URL, "valueCode": g}]}}
               for p, s, g, _ in ranked]
    entries += [{"resource": o, "search": {"mode": "outcome"}} for o in notes]
    return {"resourceType": "Bundle", "type": "searchset", "total": len(ranked), "entry": entries}


# --- HTTP ---------------------------------------------------------------------------------------------

async def endpoint(request):
    import logging

    from starlette.concurrency import run_in_threadpool

    from scheduler.operations.common import FhirError, base_url, error_response, json_body, parameters, respond
    try:
        body = await json_body(request)
        params = parameters(body)
        return respond(await run_in_threadpool(match, request.app.state.ctx, params, base_url(request)))
    except FhirError as err:
        return error_response(err)
    except Exception as exc:  # noqa: BLE001 - last resort, logged by type only (no PHI)
        logging.getLogger("scheduler.match").error("internal_error error=%s", type(exc).__name__)
        return error_response(FhirError(500, "exception", "internal error"))


def routes(prefix: str = "/fhir") -> list:
    from starlette.routing import Route
    return [Route(prefix + "/Patient/$match", endpoint, methods=["POST"])]


# --- provider-side searches: _include of the participants ----------------------------------------------
# `GET Appointment?practitioner=..&date=..&_include=Appointment:patient` (also :practitioner, :actor,
# :location), `Schedule?actor=..&_include=Schedule:actor`, `Slot?schedule=..&_include=Slot:schedule`:
# the core answers the search; this middleware adds the referenced resources as `include` entries.
# It acts only on GET searches of those types that carry `_include`.

INCLUDES = {
    "Appointment": {"patient": ("participant", {"Patient"}), "practitioner": ("participant", {"Practitioner"}),
                    "location": ("participant", {"Location"}),
                    "actor": ("participant", {"Patient", "Practitioner", "Location", "PractitionerRole"})},
    "Schedule": {"actor": ("actor", {"Practitioner", "PractitionerRole", "Location"})},
    "Slot": {"schedule": ("schedule", {"Schedule"})},
}


def _refs(res: dict, path: str, types: set) -> list[tuple[str, str]]:
    if path == "participant":
        refs = [((p or {}).get("actor") or {}).get("reference") for p in res.get("participant") or ()]
    elif path == "actor":
        refs = [(a or {}).get("reference") for a in res.get("actor") or ()]
    else:
        refs = [(res.get(path) or {}).get("reference")]
    out = []
    for r in refs:
        parts = (r or "").split("/")
        if len(parts) >= 2 and parts[-2] in types and parts[-1]:
            out.append((parts[-2], parts[-1]))
    return out


def add_includes(ctx, kind: str, includes: list[str], bundle: dict, base: str, scopes=None) -> dict:
    """Add the referenced resources; with access control on (`scopes` given) only types it may read."""
    from scheduler import resources
    from scheduler.auth.scopes import Need, allowed
    from scheduler.operations.common import FhirError

    wanted = []
    for inc in includes:
        src, _, param = inc.partition(":")
        param, _, target = param.partition(":")
        if src != kind or param not in INCLUDES.get(kind, {}):
            raise FhirError(400, "not-supported", f"_include={inc[:60]} is not supported")
        path, types = INCLUDES[kind][param]
        if target and target not in types:
            raise FhirError(400, "not-supported", f"_include={inc[:60]}: {target[:40]} is not a target of {param}")
        wanted.append((path, {target} if target else types))
    seen = {(e["resource"].get("resourceType"), e["resource"].get("id")) for e in bundle.get("entry", [])}
    extra = []
    for e in list(bundle.get("entry", [])):
        if (e.get("search") or {}).get("mode") != "match":
            continue
        for path, types in wanted:
            for t, rid in _refs(e["resource"], path, types):
                if (t, rid) in seen or (scopes is not None and not allowed(scopes, Need(t, "read"))):
                    continue
                seen.add((t, rid))
                try:
                    res, _ = resources.read(ctx, t, rid)
                except FhirError:
                    continue
                extra.append({"fullUrl": f"{base}/{t}/{rid}", "resource": res, "search": {"mode": "include"}})
    bundle["entry"] = bundle.get("entry", []) + extra
    return bundle


class IncludeMiddleware:
    def __init__(self, app, fhir_prefix: str = "/fhir"):
        self.app = app
        self.prefix = fhir_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or b"_include" not in scope.get("query_string", b""):
            return await self.app(scope, receive, send)
        kind = scope["path"][len(self.prefix) + 1:] if scope["path"].startswith(self.prefix + "/") else ""
        if kind not in INCLUDES:
            return await self.app(scope, receive, send)
        import json as _json
        from urllib.parse import parse_qsl

        from starlette.concurrency import run_in_threadpool

        from scheduler.operations.common import FhirError, error_response
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        includes = [v for k, v in pairs if k == "_include"]
        from urllib.parse import urlencode
        inner = dict(scope)
        inner["query_string"] = urlencode([(k, v) for k, v in pairs if k != "_include"]).encode("latin-1")
        captured = {"start": None, "body": bytearray()}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["start"] = message
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))

        await self.app(inner, receive, capture)
        start, body = captured["start"], bytes(captured["body"])
        if start is not None and start["status"] == 200:
            try:
                ctx = scope["app"].state.ctx
                host = dict(scope.get("headers") or ()).get(b"host", b"").decode("latin-1")
                base = f"{scope.get('scheme', 'http')}://{host}{self.prefix}"
                bundle = await run_in_threadpool(add_includes, ctx, kind, includes, _json.loads(body), base,
                                                 (scope.get("state") or {}).get("scopes"))
                body = _json.dumps(bundle, separators=(",", ":")).encode()
            except FhirError as err:
                resp = error_response(err)
                return await resp(scope, receive, send)
            headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            start = dict(start, headers=headers)
        if start is None:
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})

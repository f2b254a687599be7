"""Convert the Argonaut connectathon data set (STU3 XML bundles + sprint-data.csv) into the small
R4 JSON files under `data/clinic/`. Run once by a developer; the JSON is checked in, so the demo
needs nothing beside the repository:

    .venv/bin/python -m scheduler.seed.convert_connectathon ../shared/argonaut-ig/connectathon data/clinic

Known defects of the source that are repaired here:
- misspelt code systems (`http://snomed.info.sct`, `http://hl7.org.fhir/sid/us-npi`);
- every Location's city is the word "location": the city is taken from the CSV / the Organization;
- Slot.schedule references point nowhere and times carry no offset: slots are not converted at all,
  the demo seed generates them from each practitioner's working hours (CSV) in America/Los_Angeles;
- the slots' visit types are STU3 v2-0276 codes: schedules get visit types of the guide's code system.
"""
import csv
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = {"f": "http://hl7.org/fhir"}
SNOMED = "http://snomed.info/sct"
NPI = "http://hl7.org/fhir/sid/us-npi"
SYSTEM_FIXES = {"http://snomed.info.sct": SNOMED, "http://hl7.org.fhir/sid/us-npi": NPI}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_ALIASES = {"m": "mon", "mon": "mon", "t": "tue", "tu": "tue", "tue": "tue", "w": "wed", "wed": "wed",
               "th": "thu", "thu": "thu", "f": "fri", "fri": "fri", "sa": "sat", "su": "sun"}
VISIT_TYPES = {
    "394582007": ["office-visit", "new-patient", "follow-up", "consult", "minor-surgery", "procedure"],
    "419772000": ["office-visit", "new-patient", "follow-up", "physical", "flu-shot-clinic", "vaccine", "urgent", "same-day"],
    "394584008": ["office-visit", "new-patient", "follow-up", "consult", "egd", "procedure"],
    "394537008": ["office-visit", "new-patient", "follow-up", "well-child", "vaccine", "flu-shot-clinic", "physical", "same-day"],
}
STREETS = {
    "arg-s-1": "1010 Race Street", "arg-s-2": "1010 Race Street", "arg-s-3": "450 Sutter Street",
    "arg-s-4": "450 Sutter Street", "arg-s-5": "3330 Stevens Creek Boulevard", "arg-s-6": "2801 K Street",
    "arg-s-7": "1600 Divisadero Street", "arg-s-8": "3330 Stevens Creek Boulevard", "arg-s-9": "3700 California Street",
}


def _to_json(elem):
    """STU3 XML element -> JSON-ish dict (value attributes, repeated children as lists)."""
    out = {}
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        name = child.tag.split("}")[1]
        if name in ("text",) and elem.tag.endswith(("Practitioner", "PractitionerRole", "Organization", "Location", "Schedule")):
            continue
        if "value" in child.attrib and len(child) == 0:
            val = child.attrib["value"]
        else:
            val = _to_json(child)
        out.setdefault(name, []).append(val)
    return {k: v if len(v) > 1 else v[0] for k, v in out.items()}


def _resources(path: Path, kind: str):
    tree = ET.parse(path)
    for res in tree.getroot().iterfind(f"f:entry/f:resource/f:{kind}", NS):
        yield _to_json(res)


def _as_list(v):
    return v if isinstance(v, list) else [v]


def _fix_systems(obj):
    if isinstance(obj, dict):
        return {k: (SYSTEM_FIXES.get(v, v) if k == "system" else _fix_systems(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fix_systems(x) for x in obj]
    return obj


def parse_hours(text: str) -> dict:
    """'M-F 10am - 5pm' / 'M, W, F 8am - 4pm' / 'Tue-F 8am - 5pm' -> {"days": [...], "start": "10:00", "end": "17:00"}."""
    m = re.match(r"\s*(.+?)\s+(\d+)(am|pm)\s*-\s*(\d+)(am|pm)\s*$", text, re.I)
    days_part, h1, ap1, h2, ap2 = m.groups()

    def hh(h, ap):
        h = int(h) % 12 + (12 if ap.lower() == "pm" else 0)
        return f"{h:02d}:00"

    days = []
    for part in days_part.split(","):
        part = part.strip().lower()
        if "-" in part:
            a, b = (DAY_ALIASES[x.strip()] for x in part.split("-"))
            days += DAYS[DAYS.index(a): DAYS.index(b) + 1]
        else:
            days.append(DAY_ALIASES[part])
    return {"days": days, "start": hh(h1, ap1), "end": hh(h2, ap2)}


def convert(src: Path, dst: Path) -> None:
    rows = {r["id"]: r for r in csv.DictReader(open(src / "sprint-data.csv", newline=""))}
    practitioners, roles, orgs, locs, schedules = [], [], [], [], []
    for p in _resources(src / "pract_bundle.xml", "Practitioner"):
        row = rows[p["id"]]
        practitioners.append({
            "resourceType": "Practitioner", "id": p["id"],
            "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-practitioner"]},
            "identifier": [{"system": NPI, "value": row["npi"]}],
            "active": True,
            "name": [{"family": row["lname"], "given": [row["fname"]], "prefix": ["Dr."],
                      "text": f"Dr. {row['fname']} {row['lname']}"}],
            "gender": row["gender"],
        })
    for o in _resources(src / "org_bundle.xml", "Organization"):
        o = _fix_systems(o)
        addr = o["address"]
        orgs.append({
            "resourceType": "Organization", "id": o["id"],
            "identifier": [{"system": NPI, "value": _as_list(o["identifier"])[0]["value"]}],
            "active": True,
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type",
                                  "code": "prov", "display": "Healthcare Provider"}]}],
            "name": o["name"],
            "telecom": [{"system": "phone", "value": "(408) 555-0100", "use": "work"}],
            "address": [{"line": [STREETS[o["id"]]], "city": addr["city"], "state": addr["state"],
                         "postalCode": addr["postalCode"], "country": "US"}],
        })
    for loc in _resources(src / "loc_bundle.xml", "Location"):
        row = rows[loc["id"]]
        addr = loc["address"]
        city = row["location"]  # the XML says "location": repaired from the CSV
        line = [addr["line"], STREETS[loc["id"]]]
        locs.append({
            "resourceType": "Location", "id": loc["id"], "status": "active",
            "name": row["organization"],
            "telecom": [{"system": "phone", "value": "(408) 555-0100", "use": "work"}],
            "address": {"use": "work", "line": line, "city": city, "state": addr["state"],
                        "postalCode": row["zip"], "country": "US",
                        "text": f"{STREETS[loc['id']]}, {city}, {addr['state']} {row['zip']}"},
            "managingOrganization": {"reference": f"Organization/{loc['id']}", "display": row["organization"]},
        })
    for r in _resources(src / "prole_bundle.xml", "PractitionerRole"):
        row = rows[r["id"]]
        specs = [(row["specialty_code"], row["specialty_name"])]
        if row["specialty_code2"]:
            specs.append((row["specialty_code2"], row["specialty_name2"]))
        roles.append({
            "resourceType": "PractitionerRole", "id": r["id"], "active": True,
            "practitioner": {"reference": f"Practitioner/{r['id']}", "display": f"Dr. {row['fname']} {row['lname']}"},
            "organization": {"reference": f"Organization/{r['id']}", "display": row["organization"]},
            "code": [{"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "261QP2300X", "display": "Primary Care"}]}],
            "specialty": [{"coding": [{"system": SNOMED, "code": c, "display": d}]} for c, d in specs],
            "location": [{"reference": f"Location/{r['id']}", "display": row["organization"]}],
        })
    for s in _resources(src / "sched_bundle.xml", "Schedule"):
        row = rows[s["id"]]
        code = row["specialty_code"]
        vts = list(VISIT_TYPES.get(code, ["office-visit"]))
        if row["specialty_code2"]:
            vts += [v for v in VISIT_TYPES.get(row["specialty_code2"], []) if v not in vts]
        schedules.append({
            "resourceType": "Schedule", "id": s["id"], "active": True,
            "serviceType": [{"coding": [{"system": "http://fhir.org/guides/argonaut-scheduling/CodeSystem/visit-type",
                                         "code": v}]} for v in vts],
            "specialty": [{"coding": [{"system": SNOMED, "code": c, "display": d}]}
                          for c, d in [(row["specialty_code"], row["specialty_name"])] +
                          ([(row["specialty_code2"], row["specialty_name2"])] if row["specialty_code2"] else [])],
            "actor": [{"reference": f"Practitioner/{s['id']}", "display": f"Dr. {row['fname']} {row['lname']}"},
                      {"reference": f"PractitionerRole/{s['id']}"},
                      {"reference": f"Location/{s['id']}", "display": row["organization"]}],
            "comment": f"Working hours: {row['Working Hours']}",
            "_hours": parse_hours(row["Working Hours"]),
        })
    dst.mkdir(parents=True, exist_ok=True)
    for name, items in [("practitioners", practitioners), ("organizations", orgs), ("locations", locs),
                        ("practitioner_roles", roles), ("schedules", schedules)]:
        (dst / f"{name}.json").write_text(json.dumps(items, indent=1) + "\n")
    clinic = {
        "name": "Bay Area Argonaut Clinics",
        "phone": "(408) 555-0100",
        "timezone": "America/Los_Angeles",
        "hours": {"mon": ["08:00", "17:00"], "tue": ["08:00", "17:00"], "wed": ["08:00", "17:00"],
                  "thu": ["08:00", "17:00"], "fri": ["08:00", "17:00"], "sat": None, "sun": None},
        "locations": [{"name": l["name"], "address": l["address"]["text"]}
                      for l in sorted(locs, key=lambda l: l["id"])
                      if l["address"]["text"] not in {x["address"]["text"] for x in locs if x["id"] < l["id"]}],
        "payers": [{"name": "Aetna", "id": "60054"}, {"name": "Anthem Blue Cross", "id": "47198"},
                   {"name": "Blue Shield of California", "id": "94036"}, {"name": "Cigna", "id": "62308"},
                   {"name": "Health Net", "id": "95567"}, {"name": "Kaiser Permanente", "id": "94320"},
                   {"name": "Medicare", "id": "MEDICARE"}, {"name": "Medi-Cal", "id": "MEDI-CAL"},
                   {"name": "UnitedHealthcare", "id": "87726"}],
    }
    (dst / "clinic.json").write_text(json.dumps(clinic, indent=1) + "\n")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))

"""Code systems of the Argonaut Scheduling guide and small name -> code helpers.

The assistant passes plain codes ("394582007", "consult"); the client adds the systems here.
For convenience a few specialty *names* (those of the demo clinic and common ones) map to their
SNOMED CT codes, so "dermatology" works too. Values already of the form ``system|code`` pass as is.
"""
from __future__ import annotations

SNOMED = "http://snomed.info/sct"
SPECIALTY_SYSTEM = SNOMED
VISIT_TYPE_SYSTEM = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/visit-type"
STATUS_REASON_SYSTEM = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/status-reason"
POLICYHOLDER_RELATIONSHIP_SYSTEM = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

SPECIALTY_CODES: dict[str, str] = {
    "dermatology": "394582007",
    "cosmetic dermatology": "394582007",
    "family medicine": "419772000",
    "family practice": "419772000",
    "gastroenterology": "394584008",
    "pediatrics": "394537008",
    "paediatrics": "394537008",
    "cardiology": "394579002",
    "endocrinology": "394583002",
    "neurology": "394591006",
    "ophthalmology": "394594003",
    "psychiatry": "394587001",
    "urology": "394612005",
    "rheumatology": "394810000",
    "general practice": "394814009",
    "general medicine": "394802001",
    "obstetrics and gynecology": "394585009",
    "gynecology": "394586005",
    "orthopedics": "394801008",
    "allergy": "408439002",
}

# Visit types of the guide's CodeSystem (conformance/CodeSystem-visit-type.json).
VISIT_TYPES: dict[str, str] = {
    "breast-imaging": "BREAST IMAGING", "consult": "CONSULTATION", "ct": "COMPUTED TOMOGRAPHY SCAN(CT)",
    "dental": "DENTAL", "dxa": "DUAL-ENERGY X-RAY ABSORPTIOMETRY(DXA)", "echo": "ECHOCARDIOGRAPHY(ECHO)",
    "echo-stresstest": "ECHOCARDIOGRAPHY(ECHO) STRESS TEST", "ed-followup": "EDUCATION FOLLOW UP",
    "eeg": "ELECTROENCEPHALOGRAPHY(EEG)", "egd": "ESOPHAGOGASTRODUODENOSCOPY(EGD)",
    "ekg": "ELECTROCARDIOGRAM(EKG)", "evaluation": "EVALUATION", "flu-shot-clinic": "INFLUENZA VACCINATION CLINIC",
    "fluoroscopy": "FLUOROSCOPY", "follow-up": "FOLLOW UP", "home-health": "HOME HEALTH VISIT",
    "injection": "INJECTION", "inter-rad": "INTERVENTIONAL RADIOLOGY", "lab": "LABORATORY TESTS",
    "minor-surgery": "MINOR SURGERY", "mri": "MAGNETIC RESONANCE IMAGING(MRI)", "new-patient": "NEW PATIENT",
    "nuc-med": "NUCLEAR MEDICINE", "occup-therapy": "OCCUPATIONAL THERAPY", "office-visit": "OFFICE VISIT",
    "physical": "PHYSICAL", "post-op": "POST-OPERATIVE(POST-OP)", "pre-admit-testing": "PRE-ADMISSION TESTING VISIT",
    "pre-op": "PRE-OPERATIVE(PRE-OP)", "procedure": "PROCEDURE", "same-day": "SAME DAY",
    "stress-test": "STRESS TEST", "surgery": "SURGERY", "treatment": "TREATMENT", "ultrasound": "ULTRASOUND",
    "urgent": "URGENT", "vaccine": "VACCINATION", "vision": "VISION", "walk-in": "WALK IN",
    "well-child": "WELL CHILD", "x-ray": "X-RAY",
}

# Cancellation reasons (conformance/CodeSystem-status-reason.json), the ones a patient gives.
STATUS_REASONS: dict[str, str] = {
    "patient-cancel": "Patient Cancel", "improved": "Patient Feeling Better", "moved": "Patient Moved",
    "new-provider": "Patient Changed Provider", "transportation": "Patient Lacked Transportation",
    "weather": "Weather", "financial": "Other Financial", "hospitalized": "Patient Hospitalized",
    "disgruntled": "Patient Unhappy", "scheduling-error": "Scheduling Error", "staff-cancel": "Staff Cancel",
    "other": "Other", "personal": "Provider Personal Reason?", "wait-list": "Patient Scheduled from Wait List",
}


def system_code(value: str, system: str, names: dict[str, str] | None = None) -> str:
    """``system|code`` for a plain code (or a known name); a value with ``|`` passes unchanged."""
    value = str(value).strip()
    if "|" in value:
        return value
    if names:
        value = names.get(value.lower(), value)
    return f"{system}|{value}"


def specialty_token(value: str) -> str:
    return system_code(value, SPECIALTY_SYSTEM, SPECIALTY_CODES)


def visit_type_token(value: str) -> str:
    v = str(value).strip()
    key = v.lower().replace(" ", "-").replace("_", "-")
    return system_code(key if key in VISIT_TYPES else v, VISIT_TYPE_SYSTEM)

"""Validates what /fhir serves with an outside FHIR implementation: the R4B models of the
PyPI package fhir.resources (R4B is R4 with the same ResearchStudy, Location, Bundle,
CapabilityStatement and OperationOutcome). Every resource is read strictly: an unknown
element, a wrong type, a code outside a required value set or a missing required element
fails.

Usage: python validate.py BASE_URL
"""

import json
import sys
import urllib.error
import urllib.request

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.researchstudy import ResearchStudy

# The R4 value sets the mapping promises (research-study-status, research-study-phase,
# location-status); the models check types and cardinalities, these the codes.
STUDY_STATUSES = {
    "active", "administratively-completed", "approved", "closed-to-accrual",
    "closed-to-accrual-and-intervention", "completed", "disapproved", "in-review",
    "temporarily-closed-to-accrual", "temporarily-closed-to-accrual-and-intervention",
    "withdrawn",
}
PHASES = {
    "n-a", "early-phase-1", "phase-1", "phase-1-phase-2", "phase-2", "phase-2-phase-3",
    "phase-3", "phase-4",
}
LOCATION_STATUSES = {"active", "suspended", "inactive"}
ICD10 = "http://hl7.org/fhir/sid/icd-10"


def get(url, expect=200):
    try:
        with urllib.request.urlopen(url) as response:
            status, kind, body = response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        status, kind, body = error.code, error.headers["Content-Type"], error.read()
    if status != expect:
        sys.exit(f"{url}: status {status}, expected {expect}")
    if not kind.startswith("application/fhir+json"):
        sys.exit(f"{url}: content type {kind}")
    return json.loads(body)


def check_study(data):
    study = ResearchStudy.model_validate(data)
    assert study.status in STUDY_STATUSES, study.status
    phase = study.phase.coding[0]
    assert phase.system == "http://terminology.hl7.org/CodeSystem/research-study-phase"
    assert phase.code in PHASES, phase.code
    for condition in study.condition or []:
        assert condition.coding[0].system == ICD10
    contained = {r.id: r for r in study.contained or []}
    for site in study.site or []:
        location = contained[site.reference.lstrip("#")]
        assert location.get_resource_type() == "Location"
        assert location.status in LOCATION_STATUSES, location.status
        assert location.position is not None
    return study


def main(base):
    CapabilityStatement.model_validate(get(f"{base}/fhir/metadata"))
    studies = 0
    url = f"{base}/fhir/ResearchStudy?_count=7&status=active,approved,temporarily-closed-to-accrual,closed-to-accrual,completed,withdrawn"
    seen = set()
    while url:
        data = get(url)
        bundle = Bundle.model_validate(data)
        assert bundle.type == "searchset"
        for entry in bundle.entry or []:
            study = check_study(entry.resource.model_dump(mode="json", by_alias=True, exclude_none=True))
            assert study.id not in seen, f"{study.id} on two pages"
            seen.add(study.id)
            studies += 1
        url = next((l.url for l in bundle.link or [] if l.relation == "next"), None)
    assert studies == bundle.total, (studies, bundle.total)
    assert studies > 0, "no studies to validate"
    # Each study read on its own, as a client following a fullUrl does.
    for study_id in sorted(seen):
        check_study(get(f"{base}/fhir/ResearchStudy/{study_id}"))
    # The nightly full export: a collection Bundle of the same studies.
    export = Bundle.model_validate(get(f"{base}/data/protokoller.fhir.json"))
    assert export.type == "collection"
    exported = {check_study(e.resource.model_dump(mode="json", by_alias=True, exclude_none=True)).id
                for e in export.entry or []}
    assert exported == seen, "the export holds the published studies"
    for url, status in [
        (f"{base}/fhir/ResearchStudy?nonsense=1", 400),
        (f"{base}/fhir/ResearchStudy?status=open", 400),
        (f"{base}/fhir/ResearchStudy/no-such-study", 404),
        (f"{base}/fhir/Patient", 404),
    ]:
        OperationOutcome.model_validate(get(url, expect=status))
    print(f"FHIR: CapabilityStatement, {studies} ResearchStudy resources in searchset Bundles, "
          f"read one by one and in the export's collection Bundle, and 4 OperationOutcomes "
          f"validate as R4B")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))

"""Rules between parameters that an OpenAPI document cannot state, for schemathesis.

The document describes each parameter on its own. Three rules join two of them, and the API
refuses a request that breaks one (400, naming the parameter), as the parameters'
descriptions say:

- `max_km` and `sort=distance` need `postcode` (the protocol list and its CSV; in the match
  body the schema says it with `if` and `then`);
- without a login the indicator's `from` and `to` must be the first and last day of a
  quarter, half-year or year that has ended.

So that "valid data is accepted" is checked on requests that are valid, a positive case that
breaks one of these rules is mended here before it is sent. Negative cases are left alone.
"""

from datetime import date

import schemathesis

# A postcode the reference data has (Aarhus C).
POSTCODE = "8000"


def _positive(case):
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


@schemathesis.hook
def map_case(context, case):
    if not _positive(case):
        return case
    path = case.operation.path
    query = case.query if isinstance(case.query, dict) else None
    if query is None:
        return case
    if path in ("/api/v1/protocols", "/api/v1/protocols.csv"):
        needs_postcode = "max_km" in query or query.get("sort") == "distance"
        if needs_postcode and "postcode" not in query:
            query["postcode"] = POSTCODE
    elif path == "/api/v1/indicator":
        if "from" in query or "to" in query:
            last = date.today().year - 1
            query["from"] = f"{last}-01-01"
            query["to"] = f"{last}-12-31"
    return case

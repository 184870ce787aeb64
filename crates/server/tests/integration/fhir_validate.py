"""Validates FHIR R4 Bundles (JSON files named on the command line) with an
independent validator, fhir.resources from PyPI, through its R4B models
(R4B is R4 with fixes; fhir.resources has no separate R4 package in its 8.x
line). Prints every error with its file and exits 1 if there was any."""

import sys

from fhir.resources.R4B.bundle import Bundle

failed = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        bundle = Bundle.model_validate_json(text)
        count = len(bundle.entry or [])
        print(f"{path}: valid FHIR R4 Bundle ({count} entries)")
    except Exception as e:  # every error fails the run, with its words
        failed += 1
        print(f"{path}: INVALID\n{e}")
sys.exit(1 if failed else 0)

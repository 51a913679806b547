"""The report id: a short, deterministic name for the report of one set of answers."""

from __future__ import annotations

import hashlib
import json

from compliance_app.dossier.answers import AnswersFile
from compliance_app.engine.results import Evaluation


def report_id(answers: AnswersFile, evaluation: Evaluation) -> str:
    """A short, deterministic id for the report of these answers, e.g. ``R-3f9a0c1b2d4e``.

    It is the first 12 hex digits of the SHA-256 of the canonical JSON of the answers file
    (sorted keys, UTF-8) together with the rule base id and version of the evaluation, so the
    same answers evaluated by another rule base version get another id. Never raises.
    """
    canonical = {
        "answers": answers.model_dump(mode="json"),
        "ruleset": [evaluation.ruleset_id, evaluation.ruleset_version],
    }
    data = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
    return "R-" + digest[:12]

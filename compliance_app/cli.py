"""Command line: ``python -m compliance_app <command>``.

Commands:

* ``validate [RULES_DIR]``: check the rule base; exit 0, or 1 with every error as
  ``file:line:column path: message``.
* ``questions [--json]``: every step id, its type and options.
* ``evaluate ANSWERS [--json] [--on YYYY-MM-DD]``: the deal's result (overall, per item and
  destination as a matrix, findings with what they are about, open questions) for an answers
  file, or for the answers inside a PDF report of this tool (read as the upload in the app reads
  them; format 1 answers are migrated to a one-item deal and the note goes to stderr);
  ``--json``: the whole evaluation, ``matrix`` included; ``--on`` is the evaluation day for
  dated country data (default: today, as in the app; see :mod:`compliance_app.engine.dated`).
* ``report ANSWERS -o REPORT.pdf [--on YYYY-MM-DD]``: write the PDF report (ANSWERS: an answers
  file or a report).
* ``schema [module|ruleset|findings|citations|countries]``: JSON Schema for editor help.
* ``coverage``: the coverage map (what the rule base models, flags, does not cover) as
  Markdown, the text of ``docs/coverage.md``.
* ``snapshot [RULES_DIR]``: write ``rules/history/<version>.json`` for a release (see
  :mod:`compliance_app.dossier.snapshots`).
* ``verify REPORT.pdf [--trust ROOTS.pem]``: check a (reviewed) PDF report: its seal, the
  review and its sign-off, and its digital signature (who signed, when, with which certificate,
  whether the document changed since). Exit 0 when digitally signed and unchanged since, 3 when
  readable but not digitally signed or changed after signing, 1 when refused.
* ``sign REVIEWED.pdf --p12 CERT.p12 -o SIGNED.pdf [--prepare-only]``: sign a reviewed,
  signed-off report with the adviser's certificate (PAdES; the password is read from
  ``COMPLIANCE_P12_PASSWORD`` or asked). ``--prepare-only`` writes the report prepared for
  signature without signing it, for signing software of a card or token.
* ``screen NAME``, ``lists import|status|update``: restricted-party screening (see
  :mod:`compliance_app.screening.cli`); ``bom FILE.csv``: de minimis per destination
  (:mod:`compliance_app.bom_cli`).

Errors of the user's making (broken rule base, refused answers file) become a message on
stderr and exit code 1 (2 for wrong usage); nothing else is caught here. An answer that does not
fit its question (for example a text over the question's length limit) is named on stderr with
the reason: the evaluation counts that question as not answered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from compliance_app import bom_cli
from compliance_app.cli_deal import evaluation_text, refused
from compliance_app.dossier import answers as answers_mod
from compliance_app.dossier.transport import read_upload
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR, RulesetError, load_ruleset
from compliance_app.rulebase.models import Ruleset
from compliance_app.screening import cli as screening_cli


def _load(rules: str) -> Ruleset:
    return load_ruleset(Path(rules))


def cmd_validate(args: argparse.Namespace) -> int:
    ruleset = _load(args.rules_dir)
    m = ruleset.meta
    print(
        f"OK: {m.id} {m.version} (regulations as of {m.regulations_as_of}): "
        f"{len(ruleset.modules)} modules, {len(ruleset.steps)} steps, {len(ruleset.rules)} rules, "
        f"{len(ruleset.findings)} findings, {len(ruleset.citations)} citations"
    )
    return 0


def questions_data(ruleset: Ruleset, lang: str = "en") -> list[dict]:
    """Every step as a plain dict: id, module, type, question, options, allow_unknown, unit."""
    out = []
    for module in ruleset.modules:
        for s in module.steps:
            out.append(
                {
                    "id": s.id,
                    "module": module.id,
                    "type": s.type,
                    "question": s.question.get(lang),
                    "options": s.option_values()
                    if s.type in ("one", "many", "yes_no", "yes_no_unknown")
                    else [],
                    "allow_unknown": s.allow_unknown,
                    "unit": s.unit.get(lang) if s.unit else None,
                }
            )
    return out


def cmd_questions(args: argparse.Namespace) -> int:
    ruleset = _load(args.rules)
    data = questions_data(ruleset)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for q in data:
            opts = f" [{', '.join(q['options'])}]" if q["options"] else ""
            print(f"{q['id']} ({q['type']}){opts}: {q['question']}")
    return 0


def _read_answers(path: str, ruleset: Ruleset) -> answers_mod.AnswersFile:
    """The answers of an answers file or of a PDF report of this tool (told apart by content,
    as an upload is; the file name does not matter), migrated to a deal if they are one case's.
    Migration notes, warnings and refused answers go to stderr.
    """
    upload = read_upload(Path(path).read_bytes(), ruleset=ruleset)
    af = upload.answers
    if af.ruleset.id != ruleset.meta.id:
        raise answers_mod.AnswersError(
            f"The answers are for rule base '{af.ruleset.id}', not '{ruleset.meta.id}'."
        )
    for note in af.notes:
        print(f"Note: {note}", file=sys.stderr)
    for warning in upload.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    for step_id, reason in refused(ruleset, af.answers).items():
        print(
            f"Answer refused for {step_id}: {reason} The question counts as not answered.",
            file=sys.stderr,
        )
    return af


def cmd_evaluate(args: argparse.Namespace) -> int:
    ruleset = _load(args.rules)
    af = _read_answers(args.answers, ruleset)
    ev = evaluate_deal(ruleset, af.answers, on=args.on or dt.date.today())
    if args.json:
        print(json.dumps(ev.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    print("\n".join(evaluation_text(ev)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from compliance_app.report.builder import build_pdf  # reportlab only when needed

    ruleset = _load(args.rules)
    af = _read_answers(args.answers, ruleset)
    ev = evaluate_deal(ruleset, af.answers, on=args.on or dt.date.today())
    pdf = build_pdf(ruleset.meta, af, ev)
    Path(args.output).write_bytes(pdf)
    print(
        f"Wrote {args.output} ({len(pdf):,} bytes): "
        f"{ev.jurisdiction} / {ev.us_authorization_needed}"
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """JSON Schema of a rule file, for editor help (practices 10)."""
    from compliance_app.rulebase import models

    model = {
        "module": models.Module,
        "ruleset": models.RulesetMeta,
        "findings": models.FindingCatalogue,
        "citations": models.CitationCatalogue,
        "countries": models.CountryData,
    }[args.kind]
    print(json.dumps(model.model_json_schema(by_alias=True), indent=2))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print the coverage map as Markdown (``docs/coverage.md``)."""
    from compliance_app.rulebase.coverage import markdown

    print(markdown(_load(args.rules)), end="")
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Write the snapshot of the current rule-base version (a release step)."""
    from compliance_app.dossier.snapshots import save_snapshot

    rules_dir = Path(args.rules_dir)
    path = save_snapshot(_load(args.rules_dir), rules_dir / "history")
    print(f"Wrote {path}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Print the verdict on a PDF report (see the module doc for the exit codes)."""
    from compliance_app.dossier import review_flow, signing, transport

    roots = signing.load_pem_bundle(Path(args.trust).read_bytes()) if args.trust else None
    try:
        up = transport.read_upload(Path(args.pdf).read_bytes(), args.pdf, trust_roots=roots)
    except transport.UploadError as exc:
        print(f"REFUSED: {exc}")
        return 1
    m = up.manifest
    print(f"Report {m.report_id if m else '?'} of {up.answers.company.name or '(no name)'}")
    for line in up.signature.lines():
        print(line)
    for note in up.answers.notes:
        print(f"Note: {note}")
    r = up.review
    if r is None:
        print("No adviser review in this PDF.")
    elif r.sign_off is None:
        print(f"Review by {r.reviewer_name or 'an adviser'}: not signed off.")
    else:
        so = r.sign_off
        print(
            f"Sign-off by {so.reviewer_name} ({so.capacity or 'capacity not stated'}, "
            f"{so.organisation or 'no organisation'}) at {so.signed_at.isoformat()}"
        )
        print(
            f"Covers report {so.report_id}, answers {so.answers_sha256}, rule base "
            f"{so.ruleset.version if so.ruleset else '?'}:"
        )
        for c in so.findings:
            print(f"  {c.code}: {review_flow.STATUS_WORDS[c.status]}")
    if r is not None and r.migration_note:
        print(r.migration_note)
    for w in up.warnings:
        print(f"Warning: {w}")
    return 0 if up.signature.signed and up.signature.unchanged else 3


def cmd_sign(args: argparse.Namespace) -> int:
    """Rebuild a reviewed report for signature and sign it (see the module doc)."""
    import getpass
    import os

    from compliance_app.dossier import signing, transport
    from compliance_app.report.builder import build_pdf

    if not args.prepare_only and not args.p12:
        print("Give the certificate file with --p12 (or use --prepare-only).", file=sys.stderr)
        return 2
    ruleset = _load(args.rules)
    up = transport.read_upload(Path(args.pdf).read_bytes(), args.pdf, ruleset=ruleset)
    if up.review is None or up.review.sign_off is None:
        print("Refused: this PDF has no signed-off adviser review to sign.", file=sys.stderr)
        return 1
    for note in up.answers.notes:
        print(f"Note: {note}", file=sys.stderr)
    ev = evaluate_deal(ruleset, up.answers.answers)
    pdf = build_pdf(ruleset.meta, up.answers, ev, review=up.review, for_signature=True)
    if not args.prepare_only:
        password = os.environ.get("COMPLIANCE_P12_PASSWORD")
        if password is None:
            try:
                password = getpass.getpass("Certificate password: ")
            except EOFError:  # no terminal to ask on
                print(
                    "No certificate password: set COMPLIANCE_P12_PASSWORD, or run the command "
                    "in a terminal.",
                    file=sys.stderr,
                )
                return 2
        pdf = signing.sign_pdf(
            pdf, Path(args.p12).read_bytes(), password, location=up.review.organisation
        )
    Path(args.output).write_bytes(pdf)
    print(f"Wrote {args.output} ({len(pdf):,} bytes)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m compliance_app",
        description="ITAR/EAR self-assessment (guidance only, not legal advice).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check the rule base")
    v.add_argument("rules_dir", nargs="?", default=str(DEFAULT_RULES_DIR))
    v.set_defaults(func=cmd_validate)
    q = sub.add_parser("questions", help="list every step")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_questions)
    e = sub.add_parser("evaluate", help="evaluate an answers file")
    e.add_argument("answers")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_evaluate)
    r = sub.add_parser("report", help="write the PDF report for an answers file")
    r.add_argument("answers")
    r.add_argument("-o", "--output", required=True)
    r.set_defaults(func=cmd_report)
    sc = sub.add_parser("schema", help="print the JSON Schema of a rule file")
    sc.add_argument(
        "kind",
        choices=["module", "ruleset", "findings", "citations", "countries"],
        nargs="?",
        default="module",
    )
    sc.set_defaults(func=cmd_schema)
    cv = sub.add_parser("coverage", help="print the coverage map (docs/coverage.md)")
    cv.set_defaults(func=cmd_coverage)
    sn = sub.add_parser("snapshot", help="write the current rule-base version's snapshot")
    sn.add_argument("rules_dir", nargs="?", default=str(DEFAULT_RULES_DIR))
    sn.set_defaults(func=cmd_snapshot)
    ve = sub.add_parser("verify", help="check a PDF report, its review and its signature")
    ve.add_argument("pdf")
    ve.add_argument("--trust", help="PEM file of trusted root certificates")
    ve.set_defaults(func=cmd_verify)
    si = sub.add_parser("sign", help="sign a reviewed report with a PKCS#12 certificate")
    si.add_argument("pdf")
    si.add_argument("--p12", help="the adviser's certificate file (.p12 or .pfx)")
    si.add_argument("-o", "--output", required=True)
    si.add_argument("--prepare-only", action="store_true", help="do not sign (for a token)")
    si.set_defaults(func=cmd_sign)
    for sp in (q, e, r, cv, si):
        sp.add_argument("--rules", default=str(DEFAULT_RULES_DIR), help="rule base folder")
    for sp in (e, r):
        sp.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            default=None,
            help="evaluation day for dated country data, YYYY-MM-DD (default: today)",
        )
    screening_cli.add_commands(sub)
    bom_cli.add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RulesetError as exc:
        print(f"The rule base has {len(exc.errors)} error(s):", file=sys.stderr)
        print(exc.report(), file=sys.stderr)
        return 1
    except answers_mod.AnswersError as exc:
        print(f"Answers file refused: {exc}", file=sys.stderr)
        return 1
    except screening_cli.ERRORS as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot read or write a file: {exc}", file=sys.stderr)
        return 1

"""The deal cases of issue 10 as flat deal answers (qualified ids, see compliance_app.engine.deal):
shared by the engine, report and wizard tests."""

from __future__ import annotations

import copy

PCU_DEAL: dict = {
    "m1_country": "LU",
    "m1_us_owned": "not_us_owned",
    "m1_icp": "partial",
    "m2_items": [
        {
            "id": "item1",
            "name": "PCU-200",
            "kind": "own_product",
            "description": "Power-conditioning unit for satellites, space segment",
            "bom": [
                {
                    "part": "RT4G150 rad-hard FPGA",
                    "origin": "US",
                    "classification": "9A515.e.1",
                    "value": 16000,
                    "currency": "EUR",
                    "licence_to": "all except AU CA GB",
                },
                {
                    "part": "DC/DC converter module",
                    "origin": "FR",
                    "classification": "unknown",
                    "value": 9000,
                    "currency": "EUR",
                },
                {
                    "part": "Connector set",
                    "origin": "US",
                    "classification": "EAR99",
                    "value": 400,
                    "currency": "USD",
                },
                {
                    "part": "Aluminium housing",
                    "origin": "LU",
                    "classification": "EAR99",
                    "value": 3000,
                    "currency": "EUR",
                },
            ],
            "rates": {"USD": 0.86},
        },
        {
            "id": "item2",
            "name": "US prime ICD drawings",
            "kind": "us_data",
            "description": "Interface control drawings of the US prime's spacecraft bus (USML "
            "XV technical data)",
        },
    ],
    "m2_activities@item1": ["sell_own_product"],
    "m2_activities@item2": ["receive_us_info", "give_access"],
    "m2_destinations": [
        {
            "id": "dest1",
            "name": "Prime SA",
            "country": "FR",
            "role": "customer",
            "items": ["item1"],
        },
        {
            "id": "dest2",
            "name": "Operator Ltd",
            "country": "IN",
            "role": "end_user",
            "items": ["item1"],
        },
    ],
    "m7_groups": [
        {
            "id": "group1",
            "name": "EU engineers",
            "citizenships": ["DE", "FR", "LU"],
            "residences": ["LU"],
            "employment": "employees",
            "people": 12,
        },
        {
            "id": "group2",
            "name": "Indian engineers",
            "citizenships": ["IN"],
            "residences": ["LU"],
            "employment": "employees",
            "people": 7,
        },
        {
            "id": "group3",
            "name": "Chinese national resident in Luxembourg",
            "citizenships": ["CN"],
            "residences": ["LU"],
            "employment": "employees",
            "people": 1,
        },
    ],
    "m2_other_countries@dest1": [],
    "m2_other_countries@dest2": [],
    "m2_other_countries@home": [],
    "m2_end_use@dest1": "civil",
    "m2_end_use@dest2": "government_civil",
    "m2_end_use@home": "civil",
    "m2_already_happened": "no",
    "m3_us_content@item1": "yes",
    "m3_us_technology@item1": "none",
    "m3_info_sources@item2": ["us_company"],
    "m3_us_persons": "no",
    "m6_info_content@item2": "technical",
    "m4_item_jurisdiction@item2": "itar",
    "m4_doubt@item1": "no",
    "m4_sme@item2": "no",
    "m5_total_value@item1": 120000.0,
    "m7_us_provides@item2": ["technical_data"],
    "m7_existing_approval@item2": "none_yet",
    "m7_exemption_route": "route_d",
    "m7_126_18d_conditions@group1": [
        "regular_employees",
        "named_party",
        "in_territory",
        "nda_or_signatory",
        "no_hardware",
        "unclassified",
    ],
    "m7_126_18d_conditions@group2": [
        "regular_employees",
        "named_party",
        "in_territory",
        "nda_or_signatory",
        "no_hardware",
        "unclassified",
    ],
    "m7_cloud@item2": "no_cloud",
    "m8_screening": "no_hit",
    "m8_affiliates": "no",
    "m8_red_flags@home": ["none"],
}


def pcu_deal() -> dict:
    """A fresh copy of the PCU deal (Luxembourg maker; PCU-200 with a US 9A515.e.1 FPGA sold to
    a French prime and an Indian operator; US prime ICD drawings seen by EU, Indian and
    Chinese engineers)."""
    return copy.deepcopy(PCU_DEAL)


def cell_codes(ev) -> list[set[str]]:  # noqa: ANN001
    """The finding codes that hold for each cell of a deal's result: the findings about the
    whole deal and those whose ``about`` names only parts of the cell (its item, destination,
    group). Two findings contradict only if they hold for the same cell; a result that is not
    a deal is one cell with every code."""
    if len(ev.matrix) <= 1:
        return [set(ev.codes())]
    out = []
    for r in ev.matrix:
        parts = {r.item, r.destination, r.group} - {""}
        out.append(
            {
                f.code
                for f in ev.findings
                if not f.about or any(set(a.split(" → ")) <= parts for a in f.about)
            }
        )
    return out

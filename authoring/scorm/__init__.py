"""SCORM 1.2 export: a course as one SCO for an online LMS (`python -m builder export-scorm`); see
docs/scorm.md for what is exported, what is lost compared with the offline player, and why the course is
one SCO rather than one per lesson."""

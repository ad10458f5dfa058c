"""Completion certificates: the facts, a verification code, the printable page and the PDF."""

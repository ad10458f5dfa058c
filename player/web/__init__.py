"""Web plumbing shared by every feature: security, language, sanitising, errors, serving, services."""

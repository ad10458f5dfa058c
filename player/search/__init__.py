"""Search across the installed courses, tone- and diacritic-insensitive, Telex and VNI understood."""

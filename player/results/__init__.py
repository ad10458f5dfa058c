"""Results: the xAPI statement profile, export files for a USB stick, the merged offline report, and
synchronisation with a Learning Record Store."""

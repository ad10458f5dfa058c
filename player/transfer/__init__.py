"""Moving learners between players by file (a USB stick), with their secrets and records."""

"""Progress: recording what learners do as xAPI statements, the time they spend, and summaries per course."""

"""The admin area: the admin PIN and session, learners, courses, trusted publishers, centre settings."""

"""Quizzes in the player: attempts, the page, reading a submitted form, grading, recording, results."""

"""Classes: a group of learners taking some courses with a trainer, at a place, between two dates, and
enrolling them by importing the class list from a CSV or Excel file."""

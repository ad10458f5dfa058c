"""Practice simulations: a lesson's rehearsal of a portal procedure, a signing tool or scam messages."""

"""Learners on a shared PC: profiles, PINs and picture codes, who is signed in, the start screen."""

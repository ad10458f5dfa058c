"""Trainers' tools that need both the builder and the player: the live preview and the SCORM 1.2 export.

The import rule (tests/test_architecture.py): `authoring` may import `builder`, `player` and `courses`;
neither the player nor the builder imports it, except the builder's command line (builder/trainer_cli.py),
which hands its `preview` and `export-scorm` commands to it from inside the functions that run them.
"""

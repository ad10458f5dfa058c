"""Start Ralph's LRS on 127.0.0.1 with its file-system backend; run by the interpreter of .venv-ralph.

Usage: ralph_launcher.py PORT USER PASSWORD (set RALPH_AUTH_FILE and
RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH first). Works around Ralph 5.1's file-system backend,
whose default CREATE operation answers 500 to every POST after the first: we append instead.
"""

import json
import os
import sys

import bcrypt
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
credentials = [{
    "username": user,
    "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode("ascii"),
    "scopes": ["all"],
    "agent": {"objectType": "Agent", "mbox": f"mailto:{user}@example.org"},
    "target": None,
}]
with open(os.environ["RALPH_AUTH_FILE"], "w", encoding="utf-8") as out:
    json.dump(credentials, out)
FSDataBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")

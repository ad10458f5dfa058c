"""Check one xAPI 1.0.3 statement against the rules of the specification's data model (Data part 2.x).

Standard library only and fast (a few microseconds per statement), so the report can check every
statement it reads. `problem(statement)` returns None for a valid statement, else the first problem as
`path: message`. Rules that need the LRS's state (voiding targets, existing ids) are not checked.
"""

import math
import re
from datetime import datetime

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}(?:[0-9a-fA-F]{8}(?:[0-9a-fA-F]{32}){0,2})?$")
_LANGUAGE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?$|^x(?:-[A-Za-z0-9]{1,8})+$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$")
_DURATION = re.compile(  # weeks stand alone (P4W); otherwise years … seconds, at least one of them
    r"^P(?:\d+(?:\.\d+)?W|(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$")
_VERSION = re.compile(r"^1\.0(?:\.\d+)?$")
INTERACTION_TYPES = frozenset(("true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                               "sequencing", "likert", "numeric", "other"))
_COMPONENT_LISTS = {"choice": ("choices",), "sequencing": ("choices",), "likert": ("scale",),
                    "matching": ("source", "target"), "performance": ("steps",)}
_ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

_STATEMENT_KEYS = frozenset(("id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                             "authority", "version", "attachments"))
_SUBSTATEMENT_KEYS = frozenset(("objectType", "actor", "verb", "object", "result", "context", "timestamp",
                                "attachments"))
_AGENT_KEYS = frozenset(("objectType", "name", *_IFIS))
_GROUP_KEYS = frozenset(("objectType", "name", "member", *_IFIS))
_ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
_DEFINITION_KEYS = frozenset(("name", "description", "type", "moreInfo", "interactionType",
                              "correctResponsesPattern", "extensions", *_ALL_COMPONENT_LISTS))
_RESULT_KEYS = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
_SCORE_KEYS = frozenset(("scaled", "raw", "min", "max"))
_CONTEXT_KEYS = frozenset(("registration", "instructor", "team", "contextActivities", "revision", "platform",
                           "language", "statement", "extensions"))
_CONTEXT_ACTIVITY_KEYS = frozenset(("parent", "grouping", "category", "other"))
_ATTACHMENT_KEYS = frozenset(("usageType", "display", "description", "contentType", "length", "sha2",
                              "fileUrl"))


class _Invalid(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")


def problem(statement: object) -> str | None:
    """None when the statement is valid xAPI 1.0.3, else the first problem found (`path: message`)."""
    try:
        _statement(statement, "statement")
    except _Invalid as error:
        return str(error)
    return None


def _statement(value, path: str) -> None:
    _object(value, path, _STATEMENT_KEYS)
    for key in ("actor", "verb", "object"):
        if key not in value:
            raise _Invalid(path, f"{key} is missing")
    if "id" in value:
        _uuid(value["id"], f"{path}.id")
    _actor(value["actor"], f"{path}.actor")
    _verb(value["verb"], f"{path}.verb")
    is_activity = _statement_object(value["object"], f"{path}.object", substatement_allowed=True)
    _common(value, path, is_activity)
    if "stored" in value:
        _timestamp(value["stored"], f"{path}.stored")
    if "authority" in value:
        _authority(value["authority"], f"{path}.authority")
    if "version" in value and not (isinstance(value["version"], str) and _VERSION.match(value["version"])):
        raise _Invalid(f"{path}.version", "must be 1.0.x")
    if value["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided":
        if not isinstance(value["object"], dict) or value["object"].get("objectType") != "StatementRef":
            raise _Invalid(f"{path}.object", "a voiding statement's object must be a StatementRef")


def _common(value: dict, path: str, is_activity: bool) -> None:
    """Properties a statement and a sub-statement share."""
    if "result" in value:
        _result(value["result"], f"{path}.result")
    if "context" in value:
        _context(value["context"], f"{path}.context", is_activity)
    if "timestamp" in value:
        _timestamp(value["timestamp"], f"{path}.timestamp")
    if "attachments" in value:
        attachments = value["attachments"]
        if not isinstance(attachments, list):
            raise _Invalid(f"{path}.attachments", "must be an array")
        for index, attachment in enumerate(attachments):
            _attachment(attachment, f"{path}.attachments[{index}]")


def _object(value, path: str, allowed: frozenset) -> None:
    if not isinstance(value, dict):
        raise _Invalid(path, "must be an object")
    if not value.keys() <= allowed:
        unknown = next(key for key in value if key not in allowed)
        raise _Invalid(path, f"unknown property {unknown!r}")
    if None in value.values():
        key = next(key for key, item in value.items() if item is None)
        raise _Invalid(f"{path}.{key}", "must not be null")


def _string(value, path: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, "must be a string")
    return value


def _boolean(value, path: str) -> None:
    if not isinstance(value, bool):
        raise _Invalid(path, "must be true or false")


def _number(value, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Invalid(path, "must be a number")
    return value


def _uuid(value, path: str) -> None:
    if not isinstance(value, str) or not _UUID.match(value):
        raise _Invalid(path, "must be a UUID")


class _Remembered:
    """Strings already found valid (IRIs and language tags repeat in almost every statement)."""

    def __init__(self, pattern: re.Pattern, limit: int = 100_000):
        self.pattern, self.limit, self.valid = pattern, limit, set()

    def __call__(self, value) -> bool:
        if not isinstance(value, str):
            return False
        if value in self.valid:
            return True
        if not self.pattern.match(value):
            return False
        if len(self.valid) >= self.limit:
            self.valid.clear()
        self.valid.add(value)
        return True


_is_iri = _Remembered(_IRI)
_is_language = _Remembered(_LANGUAGE)


def _remembering(check, key_of, limit: int = 20_000):
    """`check`, skipped for an object equal to one that passed before: activities, agents and verbs
    repeat in almost every statement, and comparing two dicts is far cheaper than checking one."""
    passed: dict = {}

    def remembering(value, path: str) -> None:
        key = key_of(value) if isinstance(value, dict) else None
        if not isinstance(key, str):
            check(value, path)
            return
        if passed.get(key) == value:
            return
        check(value, path)
        if len(passed) >= limit:
            passed.clear()
        passed[key] = value

    return remembering


def _agent_key(value: dict):
    account = value.get("account")
    return account.get("name") if isinstance(account, dict) else value.get("mbox") or value.get("openid")


def _iri(value, path: str) -> None:
    if not _is_iri(value):
        raise _Invalid(path, "must be an absolute IRI")


def _language_map(value, path: str) -> None:
    if not isinstance(value, dict):
        raise _Invalid(path, "must be a language map")
    for language, text in value.items():
        if not _is_language(language):
            raise _Invalid(path, f"{language!r} is not a language tag")
        if not isinstance(text, str):
            raise _Invalid(f"{path}.{language}", "must be a string")


def _extensions(value, path: str) -> None:
    if not isinstance(value, dict):
        raise _Invalid(path, "must be an object")
    for key in value:
        _iri(key, f"{path} key {key!r}")


def _timestamp(value, path: str) -> None:
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise _Invalid(path, "must be an ISO 8601 date and time")
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        raise _Invalid(path, "is not a real date and time") from None
    if zone and zone.startswith("-") and not zone.strip("-:0"):
        raise _Invalid(path, "must not use the offset -00:00")


def _actor(value, path: str) -> None:
    if isinstance(value, dict) and value.get("objectType") == "Group":
        _group(value, path)
    else:
        _agent(value, path)


def _check_agent(value, path: str) -> None:
    _object(value, path, _AGENT_KEYS)
    if value.get("objectType", "Agent") != "Agent":
        raise _Invalid(f"{path}.objectType", "must be Agent")
    if "name" in value:
        _string(value["name"], f"{path}.name")
    if _ifi_count(value, path) != 1:
        raise _Invalid(path, "an agent needs exactly one identifier (mbox, mbox_sha1sum, openid or account)")


def _group(value, path: str) -> None:
    _object(value, path, _GROUP_KEYS)
    if value.get("objectType") != "Group":
        raise _Invalid(f"{path}.objectType", "must be Group")
    if "name" in value:
        _string(value["name"], f"{path}.name")
    identifiers = _ifi_count(value, path)
    if identifiers > 1:
        raise _Invalid(path, "a group has at most one identifier")
    if "member" in value or not identifiers:
        members = value.get("member")
        if not isinstance(members, list) or (not identifiers and not members):
            raise _Invalid(f"{path}.member", "an anonymous group needs an array of members")
        for index, member in enumerate(members):
            _agent(member, f"{path}.member[{index}]")


def _ifi_count(value: dict, path: str) -> int:
    count = 0
    if "mbox" in value:
        count += 1
        if not isinstance(value["mbox"], str) or not _MBOX.match(value["mbox"]):
            raise _Invalid(f"{path}.mbox", "must be a mailto: IRI")
    if "mbox_sha1sum" in value:
        count += 1
        if not isinstance(value["mbox_sha1sum"], str) or not _SHA1.match(value["mbox_sha1sum"]):
            raise _Invalid(f"{path}.mbox_sha1sum", "must be 40 hexadecimal digits")
    if "openid" in value:
        count += 1
        _iri(value["openid"], f"{path}.openid")
    if "account" in value:
        count += 1
        account = value["account"]
        _object(account, f"{path}.account", frozenset(("homePage", "name")))
        if "homePage" not in account or "name" not in account:
            raise _Invalid(f"{path}.account", "needs homePage and name")
        _iri(account["homePage"], f"{path}.account.homePage")
        _string(account["name"], f"{path}.account.name")
    return count


def _authority(value, path: str) -> None:
    _actor(value, path)
    if value.get("objectType") == "Group":
        members = value.get("member")
        if not isinstance(members, list) or len(members) != 2 or any(_ifi_keys(value)):
            raise _Invalid(path, "a group authority must be an anonymous group of two agents")


def _ifi_keys(value: dict) -> list[str]:
    return [key for key in _IFIS if key in value]


def _check_verb(value, path: str) -> None:
    _object(value, path, frozenset(("id", "display")))
    if "id" not in value:
        raise _Invalid(path, "id is missing")
    _iri(value["id"], f"{path}.id")
    if "display" in value:
        _language_map(value["display"], f"{path}.display")


def _statement_object(value, path: str, substatement_allowed: bool) -> bool:
    """Check a statement's object; True when it is an Activity."""
    if not isinstance(value, dict):
        raise _Invalid(path, "must be an object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, path)
        return True
    if kind == "Agent":
        _agent(value, path)
    elif kind == "Group":
        _group(value, path)
    elif kind == "StatementRef":
        _statement_ref(value, path)
    elif kind == "SubStatement" and substatement_allowed:
        _substatement(value, path)
    else:
        raise _Invalid(f"{path}.objectType", f"{kind!r} is not allowed here")
    return False


def _statement_ref(value, path: str) -> None:
    _object(value, path, frozenset(("objectType", "id")))
    if value.get("objectType") != "StatementRef":
        raise _Invalid(f"{path}.objectType", "must be StatementRef")
    _uuid(value.get("id"), f"{path}.id")


def _substatement(value, path: str) -> None:
    _object(value, path, _SUBSTATEMENT_KEYS)
    for key in ("actor", "verb", "object"):
        if key not in value:
            raise _Invalid(path, f"{key} is missing")
    _actor(value["actor"], f"{path}.actor")
    _verb(value["verb"], f"{path}.verb")
    is_activity = _statement_object(value["object"], f"{path}.object", substatement_allowed=False)
    _common(value, path, is_activity)


def _check_activity(value, path: str) -> None:
    _object(value, path, _ACTIVITY_KEYS)
    if value.get("objectType", "Activity") != "Activity":
        raise _Invalid(f"{path}.objectType", "must be Activity")
    if "id" not in value:
        raise _Invalid(path, "id is missing")
    _iri(value["id"], f"{path}.id")
    if "definition" in value:
        _definition(value["definition"], f"{path}.definition")


def _definition(value, path: str) -> None:
    _object(value, path, _DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in value:
            _language_map(value[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            _iri(value[key], f"{path}.{key}")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions")
    interaction = value.get("interactionType")
    if interaction is None:
        for key in ("correctResponsesPattern", *_ALL_COMPONENT_LISTS):
            if key in value:
                raise _Invalid(f"{path}.{key}", "only an interaction activity may have it")
        return
    if not isinstance(interaction, str) or interaction not in INTERACTION_TYPES:
        raise _Invalid(f"{path}.interactionType", f"{interaction!r} is not an interaction type")
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(item, str) for item in pattern):
            raise _Invalid(f"{path}.correctResponsesPattern", "must be an array of strings")
    allowed = _COMPONENT_LISTS.get(interaction, ())
    for key in _ALL_COMPONENT_LISTS:
        if key in value:
            if key not in allowed:
                raise _Invalid(f"{path}.{key}", f"not allowed for a {interaction} interaction")
            _components(value[key], f"{path}.{key}")


def _components(value, path: str) -> None:
    if not isinstance(value, list):
        raise _Invalid(path, "must be an array")
    seen = set()
    for index, component in enumerate(value):
        where = f"{path}[{index}]"
        _object(component, where, frozenset(("id", "description")))
        component_id = _string(component.get("id"), f"{where}.id")
        if component_id in seen:
            raise _Invalid(f"{where}.id", f"{component_id!r} appears twice")
        seen.add(component_id)
        if "description" in component:
            _language_map(component["description"], f"{where}.description")


def _result(value, path: str) -> None:
    _object(value, path, _RESULT_KEYS)
    for key in ("success", "completion"):
        if key in value:
            _boolean(value[key], f"{path}.{key}")
    if "response" in value:
        _string(value["response"], f"{path}.response")
    if "duration" in value and not (isinstance(value["duration"], str) and _DURATION.match(value["duration"])):
        raise _Invalid(f"{path}.duration", "must be an ISO 8601 duration")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions")
    if "score" in value:
        _score(value["score"], f"{path}.score")


def _score(value, path: str) -> None:
    _object(value, path, _SCORE_KEYS)
    numbers = {key: _number(value[key], f"{path}.{key}") for key in value}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise _Invalid(f"{path}.scaled", "must be between -1 and 1")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        raise _Invalid(path, "min must be less than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise _Invalid(f"{path}.raw", "must lie between min and max")


def _context(value, path: str, object_is_activity: bool) -> None:
    _object(value, path, _CONTEXT_KEYS)
    if "registration" in value:
        _uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        _actor(value["instructor"], f"{path}.instructor")
    if "team" in value:
        team = value["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            raise _Invalid(f"{path}.team", "must be a Group")
        _group(team, f"{path}.team")
    for key in ("revision", "platform"):
        if key in value:
            _string(value[key], f"{path}.{key}")
            if not object_is_activity:
                raise _Invalid(f"{path}.{key}", "only allowed when the object is an Activity")
    if "language" in value and not _is_language(value["language"]):
        raise _Invalid(f"{path}.language", "must be a language tag")
    if "statement" in value:
        _statement_ref(value["statement"], f"{path}.statement")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions")
    if "contextActivities" in value:
        activities = value["contextActivities"]
        _object(activities, f"{path}.contextActivities", _CONTEXT_ACTIVITY_KEYS)
        for key, listed in activities.items():
            where = f"{path}.contextActivities.{key}"
            for index, activity in enumerate(listed if isinstance(listed, list) else [listed]):
                _activity(activity, f"{where}[{index}]")


def _attachment(value, path: str) -> None:
    _object(value, path, _ATTACHMENT_KEYS)
    for key in ("usageType", "display", "contentType", "length", "sha2"):
        if key not in value:
            raise _Invalid(path, f"{key} is missing")
    _iri(value["usageType"], f"{path}.usageType")
    _language_map(value["display"], f"{path}.display")
    if "description" in value:
        _language_map(value["description"], f"{path}.description")
    _string(value["contentType"], f"{path}.contentType")
    if isinstance(value["length"], bool) or not isinstance(value["length"], int) or value["length"] < 0:
        raise _Invalid(f"{path}.length", "must be a whole number")
    if not isinstance(value["sha2"], str) or not _SHA2.match(value["sha2"]):
        raise _Invalid(f"{path}.sha2", "must be a SHA-2 hash in hexadecimal")
    if "fileUrl" in value:
        _iri(value["fileUrl"], f"{path}.fileUrl")


_agent = _remembering(_check_agent, _agent_key)
_verb = _remembering(_check_verb, lambda value: value.get("id"))
_activity = _remembering(_check_activity, lambda value: value.get("id"))

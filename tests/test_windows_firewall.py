"""The Windows package adds no firewall rule (issue 20 #1): the player only listens beyond 127.0.0.1 in LAN
mode, and then Windows Defender Firewall asks, by itself, once; docs/windows.md says what to answer."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIREWALL_CALLS = re.compile(r"netsh|advfirewall|FirewallAPI|HNetCfg\.Fw|INetFwPolicy|SimpleFC|NetFirewallRule",
                            re.IGNORECASE)


def test_nothing_in_the_windows_package_adds_a_firewall_rule():
    sources = [path for path in (ROOT / "packaging" / "windows").rglob("*") if path.is_file()
               and path.suffix in (".nsi", ".nsh", ".cmd", ".bat", ".ps1", ".py", ".c", ".rc")]
    assert ROOT / "packaging" / "windows" / "tramhoc.nsi" in sources
    calls = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}" for path in sources
             for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if FIREWALL_CALLS.search(line)]
    assert calls == []


def test_the_player_never_adds_one_either():
    calls = [str(path.relative_to(ROOT)) for path in (ROOT / "player").rglob("*.py")
             if FIREWALL_CALLS.search(path.read_text(encoding="utf-8"))]
    assert calls == []


def test_docs_say_what_the_firewall_asks_and_to_allow_private_networks_only():
    doc = (ROOT / "docs" / "windows.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The firewall"):]
    section = section[:section.index("\n## ", 1)]
    for words in ("Windows Security Alert", "Python", "pythonw.exe", "Private networks", "untick **\"Public",
                  "Allow access", "Cancel", "Allow an app or feature through Windows Defender Firewall"):
        assert words in section, words

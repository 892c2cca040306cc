#!/usr/bin/env python3
"""Runs a command in a tmux window of COLUMNS x 40 and captures the screen every 0.1 s (wrapped
lines joined, so a line wider than the window shows as one long line) until the command ends or
TIMEOUT seconds pass. Prints {"exit": N or null, "screens": [...]} as JSON.

tmux runs under this script rather than straight from the Swift tests: a tmux server started by
Foundation's Process dies at once (seen with tmux 3.3a), one started from here lives.

usage: tty-screens.py COLUMNS TIMEOUT COMMAND [ARG...]
"""
import json
import shlex
import subprocess
import sys
import time
import uuid

columns, timeout, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
socket = f"scoretune-tty-{uuid.uuid4().hex[:8]}"
tmux = ["tmux", "-L", socket]
marker = "__scoretune_exit="
line = " ".join(shlex.quote(part) for part in command) + f"; echo {marker}$?__; sleep {int(timeout) + 5}"
subprocess.run(tmux + ["new-session", "-d", "-x", str(columns), "-y", "40", line], check=True)
screens, status = [], None
deadline = time.monotonic() + timeout
try:
    while time.monotonic() < deadline:
        screen = subprocess.run(tmux + ["capture-pane", "-p", "-J"], capture_output=True, text=True).stdout
        screens.append(screen)
        if marker in screen:
            status = int(screen.split(marker, 1)[1].split("__", 1)[0])
            break
        time.sleep(0.1)
finally:
    subprocess.run(tmux + ["kill-server"], capture_output=True)
print(json.dumps({"exit": status, "screens": screens}))

#!/usr/bin/env python3
"""Runs a command on a real pseudo-terminal, then closes the terminal as a dropped SSH session or
`tmux kill-server` does, once TRIGGER exists. Prints the command's end as JSON:
{"exit": N} or {"signal": N}, and what it wrote to the terminal before the close.

usage: hangup.py TRIGGER COMMAND [ARG...]
"""
import json
import os
import pty
import select
import sys
import time

trigger, command = sys.argv[1], sys.argv[2:]
pid, master = pty.fork()  # the child is a session leader with the terminal as its controlling tty
if pid == 0:
    os.execv(command[0], command)

seen = b""
deadline = time.monotonic() + 120
while time.monotonic() < deadline and not os.path.exists(trigger):
    ready, _, _ = select.select([master], [], [], 0.05)
    if ready:
        try:
            seen += os.read(master, 65536)
        except OSError:
            break
# Closing the master hangs the terminal up: the kernel sends SIGHUP to the session, and every
# later write to the terminal fails with EIO.
os.close(master)
_, status = os.waitpid(pid, 0)
end = {"exit": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}
end["output"] = seen.decode("utf-8", "replace")[-2000:]
print(json.dumps(end))

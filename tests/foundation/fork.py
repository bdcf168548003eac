# fork.py: fork; the child does some work and exits with status 7, the parent waits.
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import sys

parent = os.getpid()
table = {str(n): [n] * 3 for n in range(100)}
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    table.update((str(n), (n, n)) for n in range(100, 200))
    print("child: new pid", os.getpid() != parent, "entries", len(table))
    sys.stdout.flush()
    os._exit(7)
_, status = os.waitpid(pid, 0)
print("parent: child exited", os.WIFEXITED(status), "with status", os.WEXITSTATUS(status),
      "entries", len(table))

# subprocess_self.py: run this script again (with the argument "child") through
# subprocess and check what the child printed.
# SPDX-License-Identifier: GPL-2.0-or-later

import subprocess
import sys

if sys.argv[1:] == ["child"]:
    print("child:", sum(range(1000)), sorted({"b": 1, "a": 2}))
    sys.exit(0)

done = subprocess.run([sys.executable, __file__, "child"], stdout=subprocess.PIPE,
                      universal_newlines=True)
print("parent: child exit status", done.returncode)
print("parent: child said", done.stdout.strip())

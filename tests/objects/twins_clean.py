# Every correct twin (*_ok) of the buggy_refs scenarios, run the way
# refs_bug.py runs the bugs, and buggy_static's: none may be reported.
import buggy_refs
import buggy_static
import refs_bug

names = sorted(n for n in dir(buggy_refs)
               if n.endswith("_ok") and n[0].islower())
for name in names:
    refs_bug.run(name)
buggy_static.decref_static_ok()
print(len(names) + 1, "twins ran")

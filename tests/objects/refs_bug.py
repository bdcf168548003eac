# Runs one scenario of buggy_refs: refs_bug.py SCENARIO [N]
# Each scenario calls the buggy function (or its twin, SCENARIO_ok) the
# way a caller would; the module is found through PYTHONPATH.
import gc
import sys

import buggy_refs


def run(name, n=1000000):
    base = name[:-3] if name.endswith("_ok") else name
    func = getattr(buggy_refs, name)
    if base.startswith("decref_twice_") or base in (
            "decref_stolen", "use_after_decref_float", "revive_dead_set",
            "count_below_zero"):
        func()
    elif base == "decref_borrowed":
        items = [set()]          # the list holds the item's only reference
        func(items)
        del items
    elif base == "return_borrowed":
        items = [set()]          # each call hands out one of its references
        for _ in range(4):
            func(items)
        del items
    elif base == "make_cycle":
        func()
        gc.collect()
    elif base == "decref_none":
        func(n)                  # more than None's refcount before 3.12
    else:
        raise SystemExit("refs_bug.py: unknown scenario " + name)


if __name__ == "__main__":
    run(sys.argv[1], *[int(a) for a in sys.argv[2:]])
    print("returned")

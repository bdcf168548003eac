# Runs scenarios of buggy_borrow, in order: borrow_bug.py SCENARIO...
# SCENARIO is a buggy_borrow function, or its twin (name_ok), with the
# data that makes the borrowed object die (or, for the *_survives
# scenarios, live on elsewhere).  The module is found through PYTHONPATH.
import sys

import buggy_borrow


def fresh(text):
    # A str made at run time: not interned, not shared with anyone.
    return "".join([text, "!"])


def run(name):
    twin = name.endswith("_ok")
    base = name[:-3] if twin else name
    def f(fn):
        if fn == "pop_and_print":
            return getattr(buggy_borrow, fn + ("_ok" if twin else "_bad"))
        return getattr(buggy_borrow, fn + ("_ok" if twin else ""))
    if base == "pop_short_str":
        f("pop_and_print")([fresh("item %d" % i) for i in range(3)])
    elif base == "pop_big_int":
        f("pop_and_print")([1000 + i for i in range(3)])
    elif base == "pop_long_str":
        f("pop_and_print")([fresh("x" * 600 + str(i)) for i in range(3)])
    elif base == "pop_small_ints_survive":
        # 7 is a cached small int: the list's reference is not the only
        # one, the item survives, the program reads no freed memory.
        f("pop_and_print")(list(range(8)))
    elif base == "dict_value_replaced":
        d = {"k": fresh("value")}
        print(f("dict_value_replaced")(d, "k"))
    elif base == "tuple_released":
        f("tuple_released")()
    elif base == "static_borrow":
        items = [fresh("kept")]
        f("static_borrow_keep")(items)
        del items
        print(f("static_borrow_use")())
    elif base == "dict_next_after_clear":
        print(f("dict_next_after_clear")({i: fresh("v%d" % i)
                                          for i in range(3)}))
    else:
        raise SystemExit("borrow_bug.py: unknown scenario " + name)


if __name__ == "__main__":
    for scenario in sys.argv[1:]:
        run(scenario)
    print("returned")

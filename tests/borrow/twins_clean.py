# The correct twin (Py_INCREF while in use) of every borrow scenario,
# with the same data: none may be reported.
import borrow_bug

for name in ["pop_short_str", "pop_big_int", "pop_long_str",
             "pop_small_ints_survive", "dict_value_replaced",
             "tuple_released", "static_borrow", "dict_next_after_clear"]:
    borrow_bug.run(name + "_ok")
print("twins ran")

# A correct, realloc-heavy pure-Python program: lists, bytearrays, strs
# and dicts grow and shrink, locks and threads are made and dropped,
# many rounds.  Far more than pyref's quarantine (--freelist-vol, 20 MB
# by default) is freed, so blocks of every domain leave the quarantine
# and are freed for real while the program runs: the RAW blocks of
# locks and of thread start-up among them, and more at exit (KEPT).
# Nothing may be reported, whatever PYTHONMALLOC says.
#
# Usage: realloc_churn.py [ROUNDS]   (default 6)
#
# SPDX-License-Identifier: GPL-2.0-or-later
import sys
import threading

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 6
KEPT = []      # locks that live until the interpreter shuts down


def grow_list(n):
    items = []
    for i in range(n):
        items.append(i)          # list_resize: PyMem_Realloc
    del items[n // 3:]           # shrinks: PyMem_Realloc again
    return len(items)


def grow_bytearray(n):
    buf = bytearray()
    chunk = b"pyref" * 41        # 205 bytes
    while len(buf) < n:
        buf += chunk             # PyObject_Realloc, past 512 bytes: RAW below
    del buf[n // 2:]
    return len(buf)


def join_strs(n):
    return len("-".join(str(i) for i in range(n)))


def resize_dict(n):
    d = {}
    for i in range(n):
        d["k%d" % i] = i         # the table is rebuilt as it grows
    for i in range(0, n, 2):
        del d["k%d" % i]
    d.clear()
    return n


def locks_and_threads(n):
    total = 0
    for i in range(n):
        lock = threading.Lock()  # PyThread_allocate_lock: PyMem_RawMalloc
        with lock:
            total += 1
        cond = threading.Condition(threading.RLock())
        with cond:
            cond.notify_all()
        # Small frees first, so that the quarantine is full to the byte
        # when the locks' RAW blocks are freed and the oldest leave it.
        junk = [str(j) * 3 for j in range(64)]
        total += len(junk)
        del junk
        del cond, lock
    for i in range(2):
        out = []
        t = threading.Thread(target=lambda: out.append(sum(range(300))))
        t.start()
        t.join()
        total += out[0]
    return total


def main():
    result = 0
    for r in range(ROUNDS):
        result += grow_list(20000)
        result += grow_bytearray(1 << 20)
        result += join_strs(3000)
        result += resize_dict(2000)
        result += locks_and_threads(20)
        KEPT.append(threading.Lock())
    print(result)


main()

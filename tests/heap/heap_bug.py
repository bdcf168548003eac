# Runs one function of a test extension module: heap_bug.py MODULE FUNC [ARG]
# The module is found through PYTHONPATH (the case sets it to @EXTDIR@).
import importlib
import sys

module = importlib.import_module(sys.argv[1])
args = [int(a) for a in sys.argv[3:]]
getattr(module, sys.argv[2])(*args)
print("returned")

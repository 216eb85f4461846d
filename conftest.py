"""Settings for every test run (`python course.py test`, or pytest by hand).

pytest-xdist runs one test file or notebook per core. Left alone, each notebook would
also use every core: `evaluate`'s worker processes, envpool's threads for Box2D and
OpenBLAS's threads. On a 2-core machine that made six busy processes for two cores, and a
cell of linear algebra ran up to 20 times slower than alone (10_cma_es_and_ars, the full
covariance at 1,410 parameters). So each xdist worker is pinned to its own core(s), which
its notebook kernels inherit (`processes.cores()` then counts one), and OpenBLAS runs one
thread. The numbers are the same either way: `evaluate` gives the same returns with any
number of processes, and with one OpenBLAS thread 10's CMA-ES run and every checked output
agreed with the runs made with several.
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # set before the kernels start; a value set is kept

# xdist sets these in each worker before this file is imported ("gw0", "gw1", ...)
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _worker.startswith("gw") and _count > 1 and hasattr(os, "sched_setaffinity"):
    _cores = sorted(os.sched_getaffinity(0))
    if len(_cores) >= _count:
        os.sched_setaffinity(0, _cores[int(_worker[2:]) :: _count])

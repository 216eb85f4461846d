"""Check functions for the notebooks' exercises, one module per notebook (`nb01`, ...).

A check never raises on a wrong answer: it prints what is wrong and a hint, and returns
False, so a notebook with unsolved exercises still runs from top to bottom. It prints
a short confirmation and returns True for a right answer; the solution notebooks
`assert` that.
"""

import ast
import inspect
import textwrap
from collections.abc import Callable

import numpy as np


def report(problems: list[str], success: str) -> bool:
    """Print the problems found (or `success` if there are none); True when all is right."""
    if problems:
        print("Not yet:\n  - " + "\n  - ".join(problems))
        return False
    print(f"Correct! {success}")
    return True


def call(fn: Callable, *args, **kwargs):
    """Call the learner's function; return (result, None), or (None, a problem message)."""
    try:
        return fn(*args, **kwargs), None
    except NotImplementedError:
        return None, f"{getattr(fn, '__name__', 'your function')} is not written yet."
    except Exception as error:  # a learner's bug: show it as a hint, not a traceback
        problem = f"calling {getattr(fn, '__name__', 'your function')} raised {error!r}."
        if isinstance(error, NameError) and _setup_name(error):
            problem += " Run the notebook's Setup cell (the imports) first."
        return None, problem


SETUP_NAMES = ("np", "nh")  # imported by every notebook's Setup cell


def _setup_name(error: NameError) -> bool:
    """True if `error` is about a name the Setup cell defines (a fresh kernel, Setup not run)."""
    name = getattr(error, "name", None)
    if name is None:
        return any(f"name '{n}' is not defined" in str(error) for n in SETUP_NAMES)
    return name in SETUP_NAMES


def fail(problem: str) -> bool:
    """Report one problem (a check's usual way out); always False."""
    return report([problem], "")


def as_array(result, name: str, shape: tuple | None = None):
    """The learner's result as a float array, or (None, what is wrong with it)."""
    if result is None:
        return None, f"{name} returned None: did you forget the `return`?"
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return None, f"{name} returned a {type(result).__name__} that is not one array."
    if shape is not None and result.shape != shape:
        return None, f"{name} returned shape {result.shape}; expected {shape}."
    return result, None


def python_loop(fn: Callable) -> str | None:
    """'a for loop' (or another loop) if `fn`'s own source has one; None if it has none, or
    if its source cannot be read (then the check gives the benefit of the doubt)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    kinds = {
        ast.For: "a for loop",
        ast.While: "a while loop",
        ast.comprehension: "a loop inside a comprehension",
    }
    for node in ast.walk(tree):
        for kind, name in kinds.items():
            if isinstance(node, kind):
                return name
    return None


def not_an_array(result, name: str, hint: str = "") -> str | None:
    """What is wrong when an exercise asks for a NumPy array and gets something else; None
    for an array. The checks of 00-05 refuse lists, tuples and numbers alike, and say why."""
    if isinstance(result, np.ndarray):
        return None
    if result is None:
        return f"{name} returned None: did you forget the `return`?"
    kind = type(result).__name__
    article = "an" if kind[0] in "aeiou" else "a"
    problem = f"{name} returned {article} {kind}; return a NumPy array."
    if isinstance(result, (list, tuple)):
        problem += (
            f" The code that uses it does arithmetic, and on a {kind} `+` joins and `*` "
            "repeats instead of adding and multiplying element by element."
        )
    return f"{problem} {hint}" if hint else problem


def numpy_result(result, name: str, hint: str = "", shape: tuple | None = None):
    """`not_an_array`, then `as_array`: the learner's result as a float array, or (None, what
    is wrong). The checks of 00-05 that ask for an array use it."""
    problem = not_an_array(result, name, hint)
    return (None, problem) if problem else as_array(result, name, shape)


# Shared by the checks of 06-09: list and shape-error hints.


def list_instead_of_array(result, returned: str, expected=None) -> str | None:
    """A problem message if `result` is a list or tuple where a NumPy array is asked for, else
    None. `returned` starts the message ("my_fn returned"); with `expected`, it also says
    whether the numbers in the list are right."""
    if not isinstance(result, (list, tuple)):
        return None
    problem = f"{returned} a {type(result).__name__}; return a NumPy array (np.array(...))."
    if expected is not None:
        try:
            right = np.allclose(np.asarray(result, dtype=float), expected)
        except (TypeError, ValueError):
            right = False
        if right:
            problem += " The numbers in it are right."
    return problem


SHAPE_ERROR_WORDS = (
    "broadcast",  # operands could not be broadcast together with shapes ...
    "core dimension",  # matmul: Input operand 1 has a mismatch in its core dimension ...
    "not aligned",  # np.dot: shapes (a,b) and (c,d) not aligned
    "cannot reshape",
    "too many indices",
    "must be 1-dimensional",  # rng.choice(..., p=a 2-D array)
)


def shape_error(problem: str | None) -> bool:
    """True if `problem` (from `call`) reports a NumPy shape error: broadcasting, matmul,
    reshape or indexing with the wrong number of axes."""
    return problem is not None and any(word in problem for word in SHAPE_ERROR_WORDS)

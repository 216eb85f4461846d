"""Check functions for the notebooks' exercises, one module per notebook (`nb01`, ...).

A check never raises on a wrong answer: it prints what is wrong and a hint, and returns
False, so a notebook with unsolved exercises still runs from top to bottom. It prints
a short confirmation and returns True for a right answer; the solution notebooks
`assert` that.
"""

from collections.abc import Callable


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
        return None, f"calling {getattr(fn, '__name__', 'your function')} raised {error!r}."

"""Progress bars that read the same in JupyterLab, in a terminal and on GitHub.

`progress_bar(...)` takes tqdm's arguments and returns a tqdm bar. In a terminal it is tqdm's
usual bar on stderr. In a notebook it is the same text bar, shown as one output that is
updated in place (an IPython display handle), so the notebook file keeps the *final*
bar: "10/10 runs in 42 s" is what a reader on GitHub sees. (tqdm's notebook widget stores
its first state as text, "0%", and GitHub cannot draw widgets.)
"""

from __future__ import annotations

import io

from tqdm.std import tqdm as _terminal_tqdm


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, nbconvert, nbval), False elsewhere."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class NotebookBar(_terminal_tqdm):
    """tqdm's text bar, drawn into one notebook output that each refresh replaces."""

    def __init__(self, *args, **kwargs):
        self._handle = None
        kwargs.setdefault("file", io.StringIO())  # the text goes to the display, not stderr
        kwargs.setdefault("mininterval", 0.5)  # each refresh is a message to the browser
        kwargs.setdefault("ncols", 100)
        kwargs.setdefault("ascii", False)  # block characters, as in a terminal
        super().__init__(*args, **kwargs)

    def display(self, msg=None, pos=None):
        from IPython.display import display

        text = {"text/plain": self.__str__() if msg is None else msg}
        if self._handle is None:
            self._handle = display(text, raw=True, display_id=True)
        else:
            self._handle.update(text, raw=True)
        return True


def progress_bar(*args, **kwargs) -> _terminal_tqdm:
    """A tqdm progress bar (same arguments as `tqdm.tqdm`) that also reads well on GitHub."""
    return (NotebookBar if in_notebook() else _terminal_tqdm)(*args, **kwargs)

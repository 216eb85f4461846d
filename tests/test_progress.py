"""Progress bars: tqdm's bar in a terminal; in a notebook one output updated in place, so
the saved notebook shows the finished bar (GitHub cannot draw tqdm's widget)."""

import neuroevo_helpers.progress as progress
from neuroevo_helpers import progress_bar


def test_outside_a_notebook_it_is_tqdms_own_bar():
    assert not progress.in_notebook()  # pytest is no Jupyter kernel
    bar = progress_bar(range(3), disable=True)
    assert type(bar) is progress._terminal_tqdm and list(bar) == [0, 1, 2]


def test_in_a_notebook_the_stored_output_is_the_final_bar(monkeypatch):
    shown = []

    class Handle:
        def update(self, data, raw):
            shown[-1] = data["text/plain"]

    def display(data, raw, display_id):
        assert raw and display_id  # an output that later refreshes replace
        shown.append(data["text/plain"])
        return Handle()

    monkeypatch.setattr("IPython.display.display", display)
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    for _ in progress_bar(range(5), desc="runs", unit="run", mininterval=0):
        pass
    assert len(shown) == 1  # one output, updated in place
    assert shown[0].startswith("runs: 100%") and "5/5" in shown[0]

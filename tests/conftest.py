"""Shared test set-up: headless plotting and rendering."""

import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

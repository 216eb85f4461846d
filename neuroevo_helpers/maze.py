"""DeceptiveMaze: Lehman & Stanley's medium maze for a point robot, as a gymnasium env.

The maze, the robot and its sensors follow Lehman & Stanley (2011), "Abandoning
objectives: evolution through the search for novelty alone": a round robot (radius 8)
in a 290 x 130 room with seven inner walls, six rangefinders (range 100, at -90, -45, 0,
45, 90 and 180 degrees from its heading) and a goal radar of four pie slices (ahead,
left, behind, right: one of them reads 1). Its two actions change its turning rate and its
speed (each by up to 0.5 a step, both capped at 3), and a move into a wall is not made.
The goal sits behind a wall that faces the start, so the straight line, the way the
distance to the goal pulls, ends in a dead end: that is the deception.

Two changes from the paper, both said where the course uses them:
- the robot also senses where it is, x and y scaled to [0, 1] (the last two of its 12
  observations), so that a behaviour descriptor (the final position) can be read from the
  observation the same way for every env;
- each episode starts from a slightly different place (up to 1 unit off the paper's
  start, heading within 2 degrees of it), drawn from the reset seed, so that validation and
  test episodes differ from training ones.

The reward of a step is the distance it gained towards the goal, divided by the start's
distance (about 252), plus 1 on reaching the goal (within 5 units), which ends the
episode. An episode's return is therefore about `1 - final distance / 252`, plus 1 if it
arrived: below 1 for a robot that did not arrive, about 2 for one that did. Episodes last
400 steps at most.

`DeceptiveMaze` is the single env, written one robot at a time in plain Python (the
reference); `DeceptiveMazeVector` steps many robots in one set of NumPy operations, for
`evaluate`. tests/test_maze.py checks them step for step against each other. Registered as
`neuroevo_helpers/DeceptiveMaze-v0` when `neuroevo_helpers` is imported. Taught in
11_novelty_and_map_elites.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv

ENV_ID = "neuroevo_helpers/DeceptiveMaze-v0"
# The medium maze of Lehman & Stanley: (x1, y1, x2, y2) for the four outer and seven inner walls
WALLS = np.array(
    [
        (5, 5, 295, 5),
        (295, 5, 295, 135),
        (295, 135, 5, 135),
        (5, 135, 5, 5),
        (241, 135, 58, 65),
        (114, 5, 73, 42),
        (130, 91, 107, 46),
        (196, 5, 139, 51),
        (219, 125, 182, 63),
        (267, 5, 214, 63),
        (271, 135, 237, 88),
    ],
    dtype=float,
)
LOW, HIGH = np.array([5.0, 5.0]), np.array([295.0, 135.0])  # the room's corners
START, START_HEADING, GOAL = (30.0, 22.0), 0.0, (270.0, 100.0)
START_JITTER, HEADING_JITTER = 1.0, 2.0  # units and degrees, drawn from the reset seed
START_DISTANCE = math.dist(START, GOAL)  # 252.4: rewards are in units of it
RADIUS, RANGE, GOAL_RADIUS = 8.0, 100.0, 5.0
MAX_SPEED, MAX_TURN, ACCELERATION = 3.0, 3.0, 0.5
RANGEFINDER_ANGLES = (-90.0, -45.0, 0.0, 45.0, 90.0, 180.0)
EPISODE_STEPS = 400
N_OBS = len(RANGEFINDER_ANGLES) + 4 + 2  # rangefinders, radar slices, position
REWARD_THRESHOLD = 1.5  # a mean this high needs most episodes (about 2 in 3) to reach the goal


def _start(rng: np.random.Generator) -> tuple[float, float, float]:
    """A start (x, y, heading in degrees) near the paper's, drawn from `rng`."""
    dx, dy, dh = rng.uniform(-1.0, 1.0, size=3)
    return (
        START[0] + START_JITTER * dx,
        START[1] + START_JITTER * dy,
        (START_HEADING + HEADING_JITTER * dh) % 360.0,
    )


def final_position(observations: np.ndarray) -> np.ndarray:
    """Maze coordinates (x, y) from observations' last two entries (scaled to [0, 1])."""
    return LOW + np.asarray(observations)[..., -2:] * (HIGH - LOW)


class DeceptiveMaze(gym.Env):
    """One robot in the medium maze (see the module docstring). The reference version.

    Observations (12, in [0, 1]): six rangefinder distances divided by their range, four
    radar slices (ahead, left, behind, right; the one facing the goal reads 1), and the
    robot's x and y scaled to [0, 1]. Actions (2, in [-1, 1]): change of turning rate and
    change of speed, each times 0.5; values outside [-1, 1] are clipped.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, render_mode: str | None = None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"DeceptiveMaze renders only 'rgb_array'; got {render_mode!r}.")
        self.render_mode = render_mode
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=(N_OBS,), dtype=np.float32)
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self.x, self.y, self.heading = START[0], START[1], START_HEADING
        self.speed = self.turn = 0.0
        self.trail: list[tuple[float, float]] = []

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.x, self.y, self.heading = _start(self.np_random)
        self.speed = self.turn = 0.0
        self.distance = math.dist((self.x, self.y), GOAL)
        self.trail = [(self.x, self.y)]
        return self._obs(), {}

    def step(self, action):
        action = np.asarray(action, dtype=float)
        if action.shape != (2,) or not np.all(np.isfinite(action)):
            raise ValueError(
                f"DeceptiveMaze takes 2 finite actions (turn, speed change) in [-1, 1]; got "
                f"{action!r}."
            )
        turn_change, speed_change = np.clip(action, -1.0, 1.0).tolist()
        self.turn = min(max(self.turn + ACCELERATION * turn_change, -MAX_TURN), MAX_TURN)
        self.speed = min(max(self.speed + ACCELERATION * speed_change, -MAX_SPEED), MAX_SPEED)
        # move along the old heading, then turn (the paper's order)
        new_x = self.x + math.cos(math.radians(self.heading)) * self.speed
        new_y = self.y + math.sin(math.radians(self.heading)) * self.speed
        self.heading = (self.heading + self.turn) % 360.0
        if all(_point_to_segment(new_x, new_y, *wall) >= RADIUS for wall in WALLS.tolist()):
            self.x, self.y = new_x, new_y  # a move into a wall is not made
        self.trail.append((self.x, self.y))
        distance = math.dist((self.x, self.y), GOAL)
        reward = (self.distance - distance) / START_DISTANCE
        self.distance = distance
        arrived = distance < GOAL_RADIUS
        return self._obs(), reward + float(arrived), arrived, False, {}

    def _obs(self) -> np.ndarray:
        ranges = []
        for angle in RANGEFINDER_ANGLES:
            a = math.radians(self.heading + angle)
            dx, dy = math.cos(a) * RANGE, math.sin(a) * RANGE
            nearest = RANGE
            for wall in WALLS.tolist():
                t = _ray_hits(self.x, self.y, dx, dy, *wall)
                if t is not None:
                    nearest = min(nearest, t * RANGE)
            ranges.append(nearest / RANGE)
        bearing = math.degrees(math.atan2(GOAL[1] - self.y, GOAL[0] - self.x))
        relative = (bearing - self.heading) % 360.0
        radar = [0.0] * 4  # ahead [-45, 45), left [45, 135), behind, right
        radar[int(((relative + 45.0) % 360.0) // 90.0)] = 1.0
        position = [(self.x - LOW[0]) / (HIGH[0] - LOW[0]), (self.y - LOW[1]) / (HIGH[1] - LOW[1])]
        return np.clip(np.array(ranges + radar + position, dtype=np.float32), 0.0, 1.0)

    def render(self) -> np.ndarray | None:
        """The maze, the goal (green), the robot (blue) with its rangefinders, and its trail."""
        if self.render_mode != "rgb_array":
            return None
        return draw_frame(self.x, self.y, self.heading, self.trail)


def _point_to_segment(px, py, x1, y1, x2, y2) -> float:
    """The distance from point p to the segment (x1, y1)-(x2, y2)."""
    sx, sy = x2 - x1, y2 - y1
    t = ((px - x1) * sx + (py - y1) * sy) / (sx * sx + sy * sy)
    t = min(max(t, 0.0), 1.0)
    return math.hypot(px - (x1 + t * sx), py - (y1 + t * sy))


def _ray_hits(px, py, dx, dy, x1, y1, x2, y2) -> float | None:
    """Where along the ray p + t (dx, dy), t in [0, 1], it crosses the segment; None if not."""
    sx, sy = x2 - x1, y2 - y1
    denom = dx * sy - dy * sx
    if denom == 0.0:
        return None  # parallel
    qx, qy = x1 - px, y1 - py
    t = (qx * sy - qy * sx) / denom
    u = (qx * dy - qy * dx) / denom
    return t if 0.0 <= t <= 1.0 and 0.0 <= u <= 1.0 else None


class DeceptiveMazeVector(VectorEnv):
    """`num_envs` robots in the medium maze, all stepped by the same NumPy operations.

    The same robot, sensors and rewards as `DeceptiveMaze`: copy i reset with seed s starts
    where `DeceptiveMaze().reset(seed=s)` starts. `reset(seed=[s0, s1, ...])` seeds each copy;
    an int seeds copy i with `seed + i`. Episodes end at the goal or after
    `max_episode_steps`; a copy whose episode ended starts a new one on its next step
    (gymnasium's next-step autoreset: that step returns the new start, reward 0).
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(self, num_envs: int = 1, max_episode_steps: int = EPISODE_STEPS, **kwargs):
        if kwargs.get("render_mode") is not None:
            raise ValueError(
                "DeceptiveMazeVector does not render; make one DeceptiveMaze with "
                "render_mode='rgb_array' (nh.record_gif does) to watch a robot."
            )
        self.num_envs, self.max_episode_steps = int(num_envs), int(max_episode_steps)
        self.single_observation_space = gym.spaces.Box(0.0, 1.0, shape=(N_OBS,), dtype=np.float32)
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self.observation_space = gym.vector.utils.batch_space(
            self.single_observation_space, self.num_envs
        )
        self.action_space = gym.vector.utils.batch_space(self.single_action_space, self.num_envs)
        n = self.num_envs
        self.xy, self.heading = np.zeros((n, 2)), np.zeros(n)
        self.speed, self.turn, self.distance = np.zeros(n), np.zeros(n), np.zeros(n)
        self.steps, self.done = np.zeros(n, dtype=int), np.zeros(n, dtype=bool)
        self.rngs = [np.random.default_rng(i) for i in range(n)]

    def reset(self, *, seed: int | list[int] | None = None, options: dict | None = None):
        if seed is not None:
            seeds = [seed + i for i in range(self.num_envs)] if np.isscalar(seed) else list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"reset needs {self.num_envs} seeds, one per copy; got {seed!r}.")
            self.rngs = [gym.utils.seeding.np_random(int(s))[0] for s in seeds]
        self._restart(np.ones(self.num_envs, dtype=bool))
        return self._obs(), {}

    def _restart(self, which: np.ndarray) -> None:
        for i in np.flatnonzero(which):
            x, y, heading = _start(self.rngs[i])
            self.xy[i], self.heading[i] = (x, y), heading
        self.speed[which] = self.turn[which] = 0.0
        self.distance[which] = np.hypot(*(self.xy[which] - GOAL).T)
        self.steps[which], self.done[which] = 0, False

    def step(self, actions):
        actions = np.asarray(actions, dtype=float)
        if actions.shape != (self.num_envs, 2):
            raise ValueError(
                f"step takes actions of shape ({self.num_envs}, 2), one (turn, speed change) "
                f"row per copy; got {actions.shape}."
            )
        restarting = self.done.copy()
        actions = np.clip(actions, -1.0, 1.0)
        self.turn = np.clip(self.turn + ACCELERATION * actions[:, 0], -MAX_TURN, MAX_TURN)
        self.speed = np.clip(self.speed + ACCELERATION * actions[:, 1], -MAX_SPEED, MAX_SPEED)
        rad = np.radians(self.heading)
        new_xy = self.xy + self.speed[:, None] * np.stack([np.cos(rad), np.sin(rad)], axis=1)
        self.heading = (self.heading + self.turn) % 360.0
        free = (_points_to_segments(new_xy) >= RADIUS).all(axis=1)
        self.xy = np.where(free[:, None], new_xy, self.xy)
        distance = np.hypot(*(self.xy - GOAL).T)
        arrived = distance < GOAL_RADIUS
        reward = (self.distance - distance) / START_DISTANCE + arrived
        self.distance = distance
        self.steps += 1
        truncated = (self.steps >= self.max_episode_steps) & ~arrived
        if restarting.any():  # next-step autoreset: these copies start again instead
            self._restart(restarting)
            reward[restarting], arrived[restarting], truncated[restarting] = 0.0, False, False
        self.done = arrived | truncated
        return self._obs(), reward, arrived, truncated, {}

    def _obs(self) -> np.ndarray:
        angles = np.radians(self.heading[:, None] + np.array(RANGEFINDER_ANGLES))  # (n, 6)
        rays = RANGE * np.stack([np.cos(angles), np.sin(angles)], axis=-1)  # (n, 6, 2)
        ranges = _nearest_hits(self.xy, rays)  # (n, 6), in units of RANGE
        bearing = np.degrees(np.arctan2(GOAL[1] - self.xy[:, 1], GOAL[0] - self.xy[:, 0]))
        relative = (bearing - self.heading) % 360.0
        radar = np.zeros((self.num_envs, 4))
        radar[np.arange(self.num_envs), (((relative + 45.0) % 360.0) // 90.0).astype(int)] = 1.0
        position = (self.xy - LOW) / (HIGH - LOW)
        return np.clip(np.concatenate([ranges, radar, position], axis=1), 0, 1).astype(np.float32)


def _points_to_segments(points: np.ndarray) -> np.ndarray:
    """`(n, n_walls)` distances from each point to each wall segment."""
    start, seg = WALLS[:, :2], WALLS[:, 2:] - WALLS[:, :2]  # (W, 2)
    rel = points[:, None, :] - start  # (n, W, 2)
    t = np.clip((rel * seg).sum(-1) / (seg * seg).sum(-1), 0.0, 1.0)  # (n, W)
    return np.hypot(*np.moveaxis(rel - t[..., None] * seg, -1, 0))


def _nearest_hits(points: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """`(n, n_rays)`: where each ray p + t ray, t in [0, 1], first meets a wall (1: none)."""
    start, seg = WALLS[:, :2], WALLS[:, 2:] - WALLS[:, :2]  # (W, 2)
    dx, dy = rays[..., 0, None], rays[..., 1, None]  # (n, R, 1)
    sx, sy = seg[:, 0], seg[:, 1]  # (W,)
    q = start - points[:, None, :]  # (n, W, 2): wall starts seen from each robot
    qx, qy = q[:, None, :, 0], q[:, None, :, 1]  # (n, 1, W)
    denom = dx * sy - dy * sx  # (n, R, W)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (qx * sy - qy * sx) / denom
        u = (qx * dy - qy * dx) / denom
    hit = (denom != 0.0) & (t >= 0.0) & (t <= 1.0) & (u >= 0.0) & (u <= 1.0)
    return np.where(hit, t, 1.0).min(axis=-1)


# --- pictures -------------------------------------------------------------------------
SCALE, MARGIN = 2, 6  # pixels per maze unit, pixels around the room


def _to_pixels(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Maze (x, y) to (row, column) pixels, y pointing up."""
    col = MARGIN + (np.asarray(x, dtype=float) - LOW[0]) * SCALE
    row = MARGIN + (HIGH[1] - np.asarray(y, dtype=float)) * SCALE
    return row, col


def _paint_segment(frame, x1, y1, x2, y2, colour, width: int = 1) -> None:
    n = int(math.hypot(x2 - x1, y2 - y1) * SCALE * 2) + 2
    row, col = _to_pixels(np.linspace(x1, x2, n), np.linspace(y1, y2, n))
    for dr in range(-width + 1, width):
        for dc in range(-width + 1, width):
            r = np.clip(np.round(row).astype(int) + dr, 0, frame.shape[0] - 1)
            c = np.clip(np.round(col).astype(int) + dc, 0, frame.shape[1] - 1)
            frame[r, c] = colour


def _paint_disc(frame, x, y, radius, colour) -> None:
    row, col = _to_pixels(x, y)
    rr, cc = np.ogrid[: frame.shape[0], : frame.shape[1]]
    frame[(rr - row) ** 2 + (cc - col) ** 2 <= (radius * SCALE) ** 2] = colour


_BACKGROUND: list[np.ndarray] = []  # the empty maze, drawn once


def _background() -> np.ndarray:
    if not _BACKGROUND:
        height = int((HIGH[1] - LOW[1]) * SCALE) + 2 * MARGIN
        width = int((HIGH[0] - LOW[0]) * SCALE) + 2 * MARGIN
        frame = np.full((height, width, 3), 255, dtype=np.uint8)
        _paint_disc(frame, *GOAL, GOAL_RADIUS, (40, 170, 60))
        for wall in WALLS.tolist():
            _paint_segment(frame, *wall, (40, 40, 40), width=2)
        _BACKGROUND.append(frame)
    return _BACKGROUND[0].copy()


def draw_frame(x: float, y: float, heading: float, trail=()) -> np.ndarray:
    """An RGB picture (uint8) of the maze with the robot at (x, y), facing `heading`."""
    frame = _background()
    height, width = frame.shape[:2]
    angles = np.radians(heading + np.array(RANGEFINDER_ANGLES))
    rays = RANGE * np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (6, 2)
    reach = _nearest_hits(np.array([[x, y]]), rays[None])[0]
    for (dx, dy), t in zip(rays.tolist(), reach.tolist()):  # the rangefinders, faint
        _paint_segment(frame, x, y, x + t * dx, y + t * dy, (255, 200, 200))
    if len(trail) > 1:
        tx, ty = np.asarray(trail, dtype=float).T
        row, col = _to_pixels(tx, ty)
        r = np.clip(np.round(row).astype(int), 0, height - 1)
        c = np.clip(np.round(col).astype(int), 0, width - 1)
        frame[r, c] = (120, 150, 230)
    _paint_disc(frame, x, y, RADIUS, (40, 90, 200))
    a = math.radians(heading)
    _paint_segment(frame, x, y, x + RADIUS * math.cos(a), y + RADIUS * math.sin(a), (255, 255, 255))
    return frame


def draw_walls(ax, colour: str = "0.2") -> None:
    """Draw the maze's walls, start and goal on a matplotlib axis (maze units, y up)."""
    for x1, y1, x2, y2 in WALLS:
        ax.plot([x1, x2], [y1, y2], color=colour, lw=2, solid_capstyle="round")
    ax.plot(*START, "o", color="tab:blue", ms=6, label="start")
    ax.plot(*GOAL, "*", color="tab:green", ms=14, label="goal")
    ax.set_xlim(LOW[0] - 3, HIGH[0] + 3)
    ax.set_ylim(LOW[1] - 3, HIGH[1] + 3)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def register() -> None:
    """Make `gym.make("neuroevo_helpers/DeceptiveMaze-v0")` and its vector env work."""
    if ENV_ID not in gym.registry:
        gym.register(
            id=ENV_ID,
            entry_point=DeceptiveMaze,
            vector_entry_point=DeceptiveMazeVector,
            max_episode_steps=EPISODE_STEPS,
            reward_threshold=REWARD_THRESHOLD,
        )

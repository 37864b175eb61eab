"""Force-directed layout for the graph view (the d3-force model Rerun 0.41's graph view runs).

Pure numpy, no rendering. Nodes are keyed by hashable ids so a layout survives new data: known
nodes keep their positions and velocities, new ones start next to a placed neighbour (else on
d3's phyllotaxis spiral), and the simulation is reheated just enough to make room for them.
Nodes with a given position are pinned there. ``step`` runs a bounded number of ticks (a cost
budget in node pairs) so a frame never waits on the layout; the result is deterministic (the
tie-breaking jiggle comes from a seeded generator).

Forces and defaults follow Rerun's graph view properties: link (distance 60, 3 iterations),
many-body (strength -60), position (strength 0.01 towards the origin) on; center and
collision off unless a blueprint turns them on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

ALPHA_MIN = 0.001
ALPHA_DECAY = 1 - ALPHA_MIN ** (1 / 300)  # d3: about 300 ticks from alpha 1 to the minimum
VELOCITY_DECAY = 0.6  # d3's velocityDecay(0.4): velocities keep 60% each tick
REHEAT_ALPHA = 0.3  # new nodes in a settled layout: enough to make room, not to reshuffle
INITIAL_RADIUS = 10.0
INITIAL_ANGLE = math.pi * (3 - math.sqrt(5))
DISTANCE_MIN2 = 1.0  # many-body: closer pairs are treated as this far (no blow-ups)
PAIR_BUDGET = 2_000_000  # node pairs visited per ``step`` (about 20 ms of numpy)
EXACT_LIMIT = 2000  # above this many nodes: sampled many-body, grid-neighbour collisions
MANY_BODY_SAMPLE = 1000
TIME_BUDGET_S = 0.02  # ... and at most this long (the frame pump's other work waits)
_BLOCK = 256  # rows of the pairwise matrices computed at once (bounded memory)


@dataclass(frozen=True)
class ForceParams:
    """The forces of Rerun's ForceLink / ForceManyBody / ForcePosition / ForceCenter /
    ForceCollisionRadius view properties, with its fallbacks as defaults."""

    link: bool = True
    link_distance: float = 60.0
    link_iterations: int = 3
    many_body: bool = True
    many_body_strength: float = -60.0
    position: bool = True
    position_strength: float = 0.01
    position_xy: tuple[float, float] = (0.0, 0.0)
    center: bool = False
    center_strength: float = 1.0
    collision: bool = False
    collision_strength: float = 1.0
    collision_iterations: int = 1


def force_overrides(get: Callable[[str, str], Any]) -> dict[str, Any]:
    """The ``ForceParams`` fields a graph view's blueprint sets: ``get(archetype, field)`` reads one
    view property (``get("ForceLink", "distance")``) or None. Apply with ``with_overrides``."""
    fields = {
        ("ForceLink", "enabled"): "link",
        ("ForceLink", "distance"): "link_distance",
        ("ForceLink", "iterations"): "link_iterations",
        ("ForceManyBody", "enabled"): "many_body",
        ("ForceManyBody", "strength"): "many_body_strength",
        ("ForcePosition", "enabled"): "position",
        ("ForcePosition", "strength"): "position_strength",
        ("ForcePosition", "position"): "position_xy",
        ("ForceCenter", "enabled"): "center",
        ("ForceCenter", "strength"): "center_strength",
        ("ForceCollisionRadius", "enabled"): "collision",
        ("ForceCollisionRadius", "strength"): "collision_strength",
        ("ForceCollisionRadius", "iterations"): "collision_iterations",
    }
    values: dict[str, Any] = {}
    for (arch, field_name), name in fields.items():
        value = get(arch, field_name)
        if value is None:
            continue
        default = getattr(ForceParams(), name)
        if isinstance(default, tuple):
            values[name] = (float(value[0]), float(value[1]))
        else:
            values[name] = type(default)(value)
    return values


def with_overrides(base: ForceParams, overrides: dict[str, Any] | None) -> ForceParams:
    return replace(base, **overrides) if overrides else base


class ForceLayout:
    """Positions for a changing set of nodes; call ``set_graph`` on new data, ``step`` per frame."""

    def __init__(self, params: ForceParams | None = None, seed: int = 0) -> None:
        self.params = params or ForceParams()
        self._rng = np.random.default_rng(seed)
        self.ids: list[Hashable] = []
        self._index: dict[Hashable, int] = {}
        self.pos = np.zeros((0, 2))
        self.vel = np.zeros((0, 2))
        self.fixed = np.zeros((0, 2))  # NaN rows: free nodes
        self.radii = np.zeros(0)
        self.edges = np.zeros((0, 2), np.int64)  # unique (source, target) index pairs, no self-edges
        self.alpha = 0.0
        self.ticks = 0  # ticks run since the layout was created (for tests and stats)

    # --- the graph ---------------------------------------------------------------------------

    @property
    def settled(self) -> bool:
        """True once the simulation has cooled down (or nothing in it can move)."""
        return self.alpha < ALPHA_MIN or not np.isnan(self.fixed).any()

    def position_of(self, node: Hashable) -> np.ndarray | None:
        i = self._index.get(node)
        return None if i is None else self.pos[i]

    def set_params(self, params: ForceParams) -> None:
        """New forces (a blueprint changed them): keep positions, run again."""
        if params != self.params:
            self.params = params
            self.alpha = max(self.alpha, REHEAT_ALPHA if len(self.ids) else 1.0)

    def set_graph(
        self,
        ids: Sequence[Hashable],
        fixed: np.ndarray | None = None,
        radii: np.ndarray | None = None,
        edges: Sequence[tuple[int, int]] = (),
    ) -> bool:
        """Make the layout hold ``ids`` (in this order) with ``fixed`` positions ((n, 2), NaN rows
        free), collision ``radii`` and ``edges`` as index pairs; True when anything changed."""
        n = len(ids)
        fixed = np.full((n, 2), np.nan) if fixed is None else np.asarray(fixed, float).reshape(n, 2)
        radii = np.zeros(n) if radii is None else np.asarray(radii, float).reshape(n)
        pairs = {(int(s), int(t)) for s, t in edges if s != t and 0 <= s < n and 0 <= t < n}
        new_edges = np.array(sorted(pairs), np.int64).reshape(-1, 2)
        same_ids = list(ids) == self.ids
        if same_ids and _same(fixed, self.fixed) and _same(radii, self.radii) and np.array_equal(new_edges, self.edges):  # fmt: skip
            return False
        old_pos = {k: self.pos[i] for k, i in self._index.items()}
        old_vel = {k: self.vel[i] for k, i in self._index.items()}
        pos, vel = np.zeros((n, 2)), np.zeros((n, 2))
        placed = np.zeros(n, bool)
        for i, key in enumerate(ids):
            if key in old_pos:
                pos[i], vel[i], placed[i] = old_pos[key], old_vel[key], True
        pinned = ~np.isnan(fixed[:, 0])
        pos[pinned], vel[pinned], placed[pinned] = fixed[pinned], 0.0, True
        fresh = [i for i in range(n) if not placed[i]]
        self._place_new(pos, placed, fresh, new_edges)
        had_layout = bool(old_pos)
        self.ids = list(ids)
        self._index = {k: i for i, k in enumerate(self.ids)}
        self.pos, self.vel, self.fixed, self.radii, self.edges = pos, vel, fixed, radii, new_edges
        self.alpha = max(self.alpha, REHEAT_ALPHA) if had_layout else 1.0
        return True

    def _place_new(self, pos: np.ndarray, placed: np.ndarray, fresh: list[int], edges: np.ndarray) -> None:
        """Start each new free node beside a placed neighbour, else on d3's phyllotaxis spiral."""
        neighbours: dict[int, list[int]] = {}
        for s, t in edges:
            neighbours.setdefault(int(s), []).append(int(t))
            neighbours.setdefault(int(t), []).append(int(s))
        step = self.params.link_distance * 0.5 if self.params.link else INITIAL_RADIUS
        for i in fresh:
            anchor = next((j for j in neighbours.get(i, []) if placed[j]), None)
            angle = i * INITIAL_ANGLE
            if anchor is not None:
                pos[i] = pos[anchor] + step * np.array([math.cos(angle), math.sin(angle)])
            else:
                r = INITIAL_RADIUS * math.sqrt(0.5 + i)
                pos[i] = (r * math.cos(angle), r * math.sin(angle))
            placed[i] = True

    # --- the simulation ----------------------------------------------------------------------

    def step(self, pair_budget: int = PAIR_BUDGET, seconds: float | None = TIME_BUDGET_S) -> bool:
        """Run as many ticks as ``pair_budget`` allows (at least one, and no more once ``seconds``
        have passed) while the layout is hot; True when positions moved."""
        if self.settled:
            return False
        n = len(self.ids)
        passes = int(self.params.many_body) + int(self.params.collision) * self.params.collision_iterations
        pairs = n * min(n, MANY_BODY_SAMPLE) if n > EXACT_LIMIT else n * n
        ticks = max(1, pair_budget // (pairs * passes + 8 * len(self.edges) + 20 * n + 10_000))
        until = None if seconds is None else time.perf_counter() + seconds
        for _ in range(ticks):
            self.tick()
            if self.alpha < ALPHA_MIN or (until is not None and time.perf_counter() > until):
                break
        return True

    def run(self, max_ticks: int = 1000) -> int:
        """Tick until settled (or ``max_ticks``); the number of ticks run."""
        done = 0
        while not self.settled and done < max_ticks:
            self.tick()
            done += 1
        return done

    def tick(self) -> None:
        """One d3-force tick: cool, apply every force to the velocities, move the free nodes."""
        p = self.params
        self.alpha += -self.alpha * ALPHA_DECAY
        alpha = self.alpha
        if p.link and len(self.edges):
            self._link(alpha)
        if p.many_body and p.many_body_strength:
            self.vel += self._many_body(alpha)
        if p.position and p.position_strength:
            self.vel += (np.asarray(p.position_xy, float) - self.pos) * (p.position_strength * alpha)
        if p.collision and p.collision_strength:
            for _ in range(max(1, p.collision_iterations)):
                self._collide()
        free = np.isnan(self.fixed[:, 0])
        self.vel *= VELOCITY_DECAY
        self.vel[~free] = 0.0
        self.pos[free] += self.vel[free]
        if p.center and free.any():
            shift = self.pos.mean(axis=0) * p.center_strength
            self.pos[free] -= shift
        self.pos[~free] = self.fixed[~free]
        self.ticks += 1

    def _jiggle(self, shape: tuple[int, ...]) -> np.ndarray:
        return (self._rng.random(shape) - 0.5) * 1e-6

    def _link(self, alpha: float) -> None:
        s, t = self.edges[:, 0], self.edges[:, 1]
        count = np.bincount(self.edges.ravel(), minlength=len(self.ids)).astype(float)
        strength = 1.0 / np.minimum(count[s], count[t])
        bias = (count[s] / (count[s] + count[t]))[:, None]
        for _ in range(max(1, self.params.link_iterations)):
            d = self.pos[t] + self.vel[t] - self.pos[s] - self.vel[s]
            zero = d == 0
            if zero.any():
                d[zero] = self._jiggle((int(zero.sum()),))
            length = np.sqrt((d * d).sum(axis=1))
            k = (length - self.params.link_distance) / length * alpha * strength
            d *= k[:, None]
            np.add.at(self.vel, t, -d * bias)
            np.add.at(self.vel, s, d * (1 - bias))

    def _many_body(self, alpha: float) -> np.ndarray:
        """Every node pushed by every other (exact n-body, in row blocks): d3's charge without
        the Barnes-Hut approximation."""
        n = len(self.ids)
        out = np.zeros((n, 2))
        k = self.params.many_body_strength * alpha
        x, y = (self.pos[:, 0], self.pos[:, 1]) if n <= 256 else (self.pos[:, 0].astype(np.float32), self.pos[:, 1].astype(np.float32))  # fmt: skip
        src = None  # big graphs: a seeded sample of sources, each standing for n / SAMPLE nodes
        if n > EXACT_LIMIT:
            src = np.sort(self._rng.choice(n, MANY_BODY_SAMPLE, replace=False))
            k *= n / MANY_BODY_SAMPLE
        sx, sy = (x, y) if src is None else (x[src], y[src])
        for a in range(0, n, _BLOCK):
            b = min(n, a + _BLOCK)
            dx = sx[None, :] - x[a:b, None]  # p_j - p_i
            dy = sy[None, :] - y[a:b, None]
            l2 = dx * dx + dy * dy
            rows = np.arange(b - a)
            if src is None:
                l2[rows, rows + a] = np.inf  # no self-force
            else:
                l2[src[None, :] == np.arange(a, b)[:, None]] = np.inf
            if not l2.min() >= DISTANCE_MIN2:
                coincide = l2 == 0
                if coincide.any():  # d3 nudges coincident nodes apart at random
                    m = int(coincide.sum())
                    dx[coincide], dy[coincide] = self._jiggle((m,)), self._jiggle((m,))
                    l2 = np.where(coincide, dx * dx + dy * dy, l2)
                l2 = np.where(l2 < DISTANCE_MIN2, np.sqrt(DISTANCE_MIN2 * l2), l2)
            inv = np.divide(k, l2, out=l2)
            out[a:b, 0] = (dx * inv).sum(axis=1)
            out[a:b, 1] = (dy * inv).sum(axis=1)
        return out

    def _collide(self) -> None:
        """Push overlapping circles apart (d3's collide: predicted positions, mass ~ r²); only
        the overlapping pairs are worked on (big graphs: only pairs in neighbouring grid cells)."""
        n = len(self.ids)
        if n > EXACT_LIMIT:
            q = self.pos + self.vel
            ii, jj = near_pairs(q, max(2.0 * float(self.radii.max()), 1.0))
            self._push_apart(q, ii, jj)
            return
        r = self.radii
        q = self.pos + self.vel
        if n > 256:  # half the memory traffic for the pairwise matrices
            q, r = q.astype(np.float32), r.astype(np.float32)
        for a in range(0, n, _BLOCK):
            b = min(n, a + _BLOCK)
            dx = q[a:b, None, 0] - q[None, :, 0]  # q_i - q_j
            dy = q[a:b, None, 1] - q[None, :, 1]
            rr = r[a:b, None] + r[None, :]
            hit = dx * dx + dy * dy < rr * rr
            hit[np.arange(b - a), np.arange(a, b)] = False
            ii, jj = np.nonzero(hit)
            if len(ii):
                self._push_apart(q, ii + a, jj)

    def _push_apart(self, q: np.ndarray, gi: np.ndarray, jj: np.ndarray) -> None:
        """Collision impulses for candidate pairs (i, j) of predicted positions ``q`` (each pair
        listed from both sides: every row moves its own node)."""
        r = self.radii
        d = (q[gi] - q[jj]).astype(float)
        rsum = r[gi] + r[jj]
        hit = (d * d).sum(axis=1) < rsum * rsum
        gi, jj, d, rsum = gi[hit], jj[hit], d[hit], rsum[hit]
        zero = (d == 0).all(axis=1)
        if zero.any():
            d[zero] = self._jiggle((int(zero.sum()), 2))
        length = np.hypot(d[:, 0], d[:, 1])
        push = (rsum - length) / length * self.params.collision_strength
        r2 = r * r
        share = r2[jj] / np.maximum(r2[gi] + r2[jj], 1e-12)  # i moves by j's weight
        np.add.at(self.vel, gi, d * (push * share)[:, None])

    # --- results -----------------------------------------------------------------------------

    def bounds(self, sizes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """(lo, hi) corners of the laid-out nodes, grown by half their ``sizes`` ((n, 2))."""
        if not len(self.ids):
            return None
        half = np.zeros_like(self.pos) if sizes is None else np.asarray(sizes, float) / 2
        return (self.pos - half).min(axis=0), (self.pos + half).max(axis=0)


def near_pairs(points: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """All ordered pairs (i, j), i != j, of points in the same or neighbouring square cells of
    size ``cell``: every pair closer than ``cell`` is among them."""
    n = len(points)
    g = np.floor((points - points.min(axis=0)) / cell).astype(np.int64)
    height = int(g[:, 1].max()) + 3
    key = g[:, 0] * height + g[:, 1]
    order = np.argsort(key, kind="stable")
    cells, starts, counts = np.unique(key[order], return_index=True, return_counts=True)
    out_i, out_j = [], []
    for ox in (-1, 0, 1):
        for oy in (-1, 0, 1):
            want = key + ox * height + oy
            at = np.minimum(np.searchsorted(cells, want), len(cells) - 1)
            cnt = np.where(cells[at] == want, counts[at], 0)
            total = int(cnt.sum())
            if not total:
                continue
            first = np.repeat(starts[at], cnt)
            within = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            out_i.append(np.repeat(np.arange(n), cnt))
            out_j.append(order[first + within])
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    keep = i != j
    return i[keep], j[keep]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))

"""Priors of the uncertain parameters, declared as data on their rows of the parameter table.

A row of ``parameters.toml`` (or a lab's row of ``actors.toml``, under ``prior.<column>``)
may carry ``prior = { dist, lo, hi, why, ... }``: the parameter is then uncertain and the
calibration (``aimarket calibrate``) fits it; every other parameter stays fixed at its value
with its source. ``dist`` is ``uniform``, ``loguniform`` (a scale known to an order of
magnitude) or ``normal`` (a truncated normal, ``mean`` and ``sd``, on ``[lo, hi]``);
``why`` says where the range comes from; ``also`` names keys tied to it (one value for
several labs); ``matches`` names a target the parameter scales (the point fit solves it in
closed form). Each prior maps the unit interval onto its range (:meth:`Prior.ppf`), so a
sampler can work in the unit cube whatever the distributions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import ScenarioError, describe

__all__ = ["Prior", "DISTRIBUTIONS", "read_prior", "scale_priors"]

DISTRIBUTIONS = ("uniform", "loguniform", "normal")
_FIELDS = {"dist", "lo", "hi", "mean", "sd", "why", "also", "matches"}


@dataclass(frozen=True)
class Prior:
    """An uncertain parameter's prior: distribution on ``[lo, hi]``, reason, tied keys."""

    key: str
    dist: str
    lo: float
    hi: float
    why: str
    mean: float = math.nan
    sd: float = math.nan
    also: tuple[str, ...] = ()
    matches: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        """Every scenario key this parameter sets."""
        return (self.key, *self.also)

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Parameter values at unit-interval quantiles ``u`` (the inverse of :meth:`cdf`)."""
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        if self.dist == "uniform":
            return self.lo + u * (self.hi - self.lo)
        if self.dist == "loguniform":
            a, b = math.log(self.lo), math.log(self.hi)
            return np.exp(a + u * (b - a))
        from scipy.stats import truncnorm

        a, b = (self.lo - self.mean) / self.sd, (self.hi - self.mean) / self.sd
        return np.clip(truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd), self.lo, self.hi)

    def cdf(self, x: np.ndarray | float) -> np.ndarray:
        """Unit-interval quantiles of parameter values ``x``."""
        x = np.clip(np.asarray(x, dtype=np.float64), self.lo, self.hi)
        if self.dist == "uniform":
            return (x - self.lo) / (self.hi - self.lo)
        if self.dist == "loguniform":
            a, b = math.log(self.lo), math.log(self.hi)
            return (np.log(x) - a) / (b - a)
        from scipy.stats import truncnorm

        a, b = (self.lo - self.mean) / self.sd, (self.hi - self.mean) / self.sd
        return truncnorm.cdf(x, a, b, loc=self.mean, scale=self.sd)

    def scaled(self, factor: float, lo: float, hi: float) -> Prior:
        """This prior with its range ``factor`` times as wide about its centre (a loguniform's
        in log space, a normal's ``sd`` too), clipped to the admissible range ``[lo, hi]``
        (the robustness guarantee holds only there; a loguniform stays positive)."""
        if factor == 1.0:
            return self
        if self.dist == "loguniform":
            a, b = math.log(self.lo), math.log(self.hi)
            c, h = (a + b) / 2, factor * (b - a) / 2
            new_lo, new_hi = max(math.exp(c - h), lo), min(math.exp(c + h), hi)
        else:
            c, h = (self.lo + self.hi) / 2, factor * (self.hi - self.lo) / 2
            new_lo, new_hi = max(c - h, lo), min(c + h, hi)
        sd = self.sd * factor if self.dist == "normal" else self.sd
        return Prior(
            self.key, self.dist, new_lo, new_hi, self.why, self.mean, sd, self.also, self.matches
        )

    def describe(self) -> str:
        """One phrase for tables: ``uniform [0, 0.95]``, ``normal(0.3, 0.1) on [0, 1]``."""
        if self.dist == "normal":
            return f"normal({self.mean:g}, {self.sd:g}) on [{self.lo:g}, {self.hi:g}]"
        return f"{self.dist} [{self.lo:g}, {self.hi:g}]"


def read_prior(file: str, key: str, raw: object, lo: float, hi: float) -> Prior:
    """A prior read from a table row's ``prior`` field (the parameter's admissible range
    ``[lo, hi]``), checked: an error names the file, the key, the expected and the found."""
    where = f"{key}.prior"

    def err(field: str, expected: str, found: object) -> ScenarioError:
        return ScenarioError(file, f"{where}.{field}" if field else where, expected, found)

    if not isinstance(raw, dict):
        raise err("", "a table { dist, lo, hi, why }", describe(raw))
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise err(unknown[0], f"one of {', '.join(sorted(_FIELDS))}", "an unknown key")
    dist = raw.get("dist")
    if dist not in DISTRIBUTIONS:
        raise err("dist", f"one of {', '.join(DISTRIBUTIONS)}", describe(dist))

    def number(field: str) -> float:
        v = raw.get(field)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise err(field, "a finite number", describe(v) if v is not None else "nothing")
        return float(v)

    p_lo, p_hi = number("lo"), number("hi")
    if not lo <= p_lo < p_hi <= hi:
        raise err(
            "hi", f"lo < hi inside the admissible range [{lo:g}, {hi:g}]", f"[{p_lo:g}, {p_hi:g}]"
        )
    if dist == "loguniform" and p_lo <= 0.0:
        raise err("lo", "a positive number (loguniform)", f"{p_lo:g}")
    mean = sd = math.nan
    if dist == "normal":
        mean, sd = number("mean"), number("sd")
        if sd <= 0.0:
            raise err("sd", "a positive number", f"{sd:g}")
    else:
        for field in ("mean", "sd"):
            if field in raw:
                raise err(field, f"no '{field}' for a {dist} prior", "one")
    why = raw.get("why")
    if not isinstance(why, str) or not why.strip():
        raise err("why", "a string: the range's source or reason", describe(why))
    also = raw.get("also", [])
    if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        raise err("also", "a list of keys tied to this one", describe(also))
    matches = raw.get("matches", "")
    if not isinstance(matches, str):
        raise err("matches", "a target's name", describe(matches))
    return Prior(key, dist, p_lo, p_hi, why, mean, sd, tuple(also), matches)


def scale_priors(
    priors: dict[str, Prior], factor: float, admissible: dict[str, tuple[float, float]]
) -> dict[str, Prior]:
    """Every prior ``factor`` times as wide (:meth:`Prior.scaled`), each clipped to its key's
    admissible range in ``admissible``: how much the ensemble owes to the priors' widths."""
    return {k: p.scaled(factor, *admissible[k]) for k, p in priors.items()}

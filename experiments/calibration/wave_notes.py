"""What a worlds file's ``waves`` record says, as text for the identifiability section: how
many prior worlds wave 1 kept, and the share of the prior each later wave found not ruled out
yet (format 2; a format-1 file lacks it and reads as not recorded), and how each later wave
was drawn: exactly from the prior restricted to NROY (format 3's ``exact``), or with weights
whose effective sample size says how far the draw is from uniform."""

from __future__ import annotations

__all__ = ["wave_one_counts", "nroy_fractions", "last_nroy", "wave_notes"]


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def wave_one_counts(ens) -> str:
    """``K of N``: the prior worlds wave 1 simulated and kept ("" without the record)."""
    waves = ens.meta.get("waves") or []
    if not waves:
        return ""
    return f"{waves[0].get('non_implausible')} of {waves[0].get('simulated')}"


def nroy_fractions(ens) -> str:
    """Each later wave's estimated share of the prior not ruled out yet (the whole-prior Latin
    sample's share its earlier waves' emulators kept), "" for a format-1 file."""
    waves = (ens.meta.get("waves") or [])[1:]
    if not waves or any("nroy_fraction" not in w for w in waves):
        return ""
    return ", ".join(
        f"{_fmt(w['nroy_fraction'])} ({w['nroy_latin']['accepted']} of {w['nroy_latin']['of']})"
        for w in waves
    )


def last_nroy(ens) -> str:
    """The last wave's estimated NROY share of the prior ("" for a format-1 file)."""
    waves = ens.meta.get("waves") or []
    if len(waves) < 2 or "nroy_fraction" not in waves[-1]:
        return ""
    return _fmt(waves[-1]["nroy_fraction"])


def wave_notes(ens) -> str:
    """The first paragraph's note on the waves ("" without the record): wave 1's survivors,
    the NROY share per later wave, and how each later wave was drawn (exactly, or the
    effective sample size of its weights; files before December 2026 read "not recorded")."""
    kept = wave_one_counts(ens)
    out = f"; here wave 1 kept {kept} prior worlds" if kept else ""
    nroy = nroy_fractions(ens)
    if nroy:
        out += (
            "; the share of the prior not ruled out by the earlier waves, as waves 2 on found "
            f"it (Latin points kept): {nroy}"
        )
    waves = (ens.meta.get("waves") or [])[1:]
    if waves:
        out += "; how each later wave's worlds were drawn: " + ", ".join(_draw(w) for w in waves)
    return out


def _draw(w: dict) -> str:
    """One later wave's draw: exact (format 3), or its weights' effective sample size."""
    ess = w.get("weights_ess")
    if w.get("exact") is True:
        return "exactly (uniform among the kept)"
    if ess is None:
        return "not recorded"
    exact = "not exactly (the cap reached), " if w.get("exact") is False else ""
    return f"{exact}weights' effective sample size {ess:,.0f} of {w.get('simulated')}"

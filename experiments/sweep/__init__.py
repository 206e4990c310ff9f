"""Parameter sweeps: specs as data, a resumable chunked store, local and Dask back-ends, and
the analyses (sensitivity indices, scenario discovery) of a finished sweep."""

from .run import BACKENDS, SweepResult, run_sweep
from .spec import SpecError, SweepSpec, load_spec, parse_spec
from .store import SweepStoreError, read_manifest

__all__ = [
    "BACKENDS",
    "SweepResult",
    "run_sweep",
    "SpecError",
    "SweepSpec",
    "load_spec",
    "parse_spec",
    "SweepStoreError",
    "read_manifest",
]

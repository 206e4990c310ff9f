"""SLURM through dask-jobqueue: one batch job per ``--jobs``, one single-threaded Dask worker
per core, and the job script printed without a cluster for review."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SlurmOptions", "slurm_cluster", "job_script"]


@dataclass(frozen=True)
class SlurmOptions:
    """What each SLURM job asks for."""

    cores: int = 8
    memory: str = "16GB"
    walltime: str = "04:00:00"
    queue: str | None = None
    account: str | None = None
    python: str = "uv run python"


def slurm_cluster(opts: SlurmOptions, host: str | None = None):
    """A dask-jobqueue SLURMCluster: ``cores`` worker processes of one thread per job (numba's
    batches parallelise within a process, Dask across them)."""
    from dask_jobqueue import SLURMCluster

    scheduler_options: dict = {"dashboard_address": None}
    if host:
        scheduler_options["host"] = host
    return SLURMCluster(
        cores=opts.cores,
        processes=opts.cores,
        memory=opts.memory,
        walltime=opts.walltime,
        queue=opts.queue,
        account=opts.account,
        python=opts.python,
        scheduler_options=scheduler_options,
    )


def job_script(opts: SlurmOptions) -> str:
    """The batch script each job would run (the scheduler address is filled in at run time;
    here a loopback placeholder), without submitting anything."""
    cluster = slurm_cluster(opts, host="127.0.0.1")
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    head, _, rest = script.partition("\n")
    note = (
        "# printed for review: '--name dummy-name' and the scheduler address (tcp://127.0.0.1:"
        "...)\n# are placeholders; dask-jobqueue fills in each job's name and the running "
        "scheduler's\n# address when 'aimarket sweep --backend slurm' submits the jobs"
    )
    if head.startswith("#!"):
        return f"{head}\n{note}\n{rest}"
    return f"{note}\n{script}"

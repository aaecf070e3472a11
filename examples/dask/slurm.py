"""Start Dask workers as Slurm jobs with dask-jobqueue and run a batch against them.

    pip install 'cookieaudit[dask]' dask-jobqueue     # on the login node, in a shared environment
    python examples/dask/slurm.py gemeenten.csv uit  # runs the batch; workers come and go as jobs

Each job runs one single-threaded worker with the ``browser`` resource (one Chromium at a time);
Chromium must be installed on the compute nodes (or set COOKIEAUDIT_BROWSER). The output folder
is written by this process only, so it need not be on a shared file system.
"""

import subprocess
import sys

from dask_jobqueue import SLURMCluster

sites, output = sys.argv[1], sys.argv[2]
cluster = SLURMCluster(
    queue="normal", account="audit", cores=1, processes=1, memory="2GB", walltime="04:00:00",
    worker_extra_args=["--resources", "browser=1"],
    job_script_prologue=["source ~/venvs/cookieaudit/bin/activate"],
)
cluster.scale(jobs=16)  # or cluster.adapt(minimum_jobs=1, maximum_jobs=32)
print("dashboard:", cluster.dashboard_link, file=sys.stderr)
code = subprocess.call(["cookieaudit", "batch", sites, "--output-dir", output, "--dask", cluster.scheduler_address])
cluster.close()
sys.exit(code)

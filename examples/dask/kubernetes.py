"""Start a Dask cluster on Kubernetes with dask-kubernetes (its operator must be installed in the
cluster: https://kubernetes.dask.org), with workers from examples/dask/Dockerfile, then run:

    python examples/dask/kubernetes.py            # prints the scheduler address to give to --dask
    cookieaudit batch gemeenten.csv --output-dir uit --dask tcp://ADDRESS:8786

Needs ``pip install dask-kubernetes`` where this runs; the batch client needs network access to
the scheduler (e.g. ``kubectl port-forward svc/cookieaudit-scheduler 8786``).
"""

from dask_kubernetes.operator import KubeCluster, make_cluster_spec

IMAGE = "registry.example.org/cookieaudit-worker:latest"  # built from examples/dask/Dockerfile
WORKERS = 8

# One browser per worker: one thread and the `browser` resource the batch asks for.
spec = make_cluster_spec(name="cookieaudit", image=IMAGE, n_workers=WORKERS,
                         resources={"requests": {"cpu": "1", "memory": "1.5G"}, "limits": {"memory": "2G"}},
                         worker_command=["dask", "worker", "--nthreads", "1", "--resources", "browser=1"])

cluster = KubeCluster(custom_cluster_spec=spec, shutdown_on_close=False)
print(cluster.scheduler_address)
print("dashboard:", cluster.dashboard_link)

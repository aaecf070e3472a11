"""Fixture web sites served by the local test web: a Dutch municipality and a benchmark site.

``municipal.install(testweb)`` returns a :class:`~tests.sites.municipal.MunicipalSite` whose
fields are the exact results a scan of it must produce; ``benchsite.install(testweb)`` builds
the many-page site ``benchmarks/scan_bench.py`` measures.
"""

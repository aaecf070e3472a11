"""Tests of the scanner: crawl logic, cookie parsing, browser scans of the local test web, the scan CLI."""

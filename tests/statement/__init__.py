"""Tests of the statement parser (cookieaudit.statement) and the statement command."""

"""Property test (Hypothesis) of the configuration loader: any file is a Config or one InputError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cookieaudit.config import Config, load_config
from cookieaudit.errors import InputError

KEYS = st.sampled_from(["pages", "urls", "include", "exclude", "sitemap", "consent", "statement", "fail_on",
                        "lang", "rules", "allow", "x", "scan", "audit"])
SCALARS = st.one_of(st.integers(-5, 10**6), st.booleans(), st.text(max_size=20), st.floats(allow_nan=False),
                    st.lists(st.text(max_size=10), max_size=3))


def _toml(table: dict) -> str:
    import json

    lines = []
    for key, value in table.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@settings(deadline=None, max_examples=150)
@given(st.one_of(st.text(max_size=200), st.dictionaries(KEYS, SCALARS, max_size=5).map(_toml)))
def test_any_config_file_loads_or_is_one_input_error(text):
    """Random text or random keys and values: a Config, or an InputError naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cookieaudit.toml"
        path.write_text(text, encoding="utf-8")
        try:
            loaded = load_config(str(path))
        except InputError as exc:
            assert "cookieaudit.toml" in str(exc)
            return
        assert isinstance(loaded, Config)


def test_config_saved_with_a_utf8_bom_is_read(tmp_path):
    """Notepad's "UTF-8 with BOM": the file is read (tomllib alone says "Invalid statement" at 1:1)."""
    path = tmp_path / "cookieaudit.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'fail-on = "warning"\npages = 5\n'.encode())
    loaded = load_config(str(path))
    assert loaded.fail_on == "warning" and loaded.pages == 5
    (tmp_path / "pyproject.toml").write_bytes(b"\xef\xbb\xbf[tool.cookieaudit]\nlang = 'nl'\n")
    path.unlink()
    assert load_config(directory=tmp_path).lang == "nl"


def test_config_in_utf16_is_one_clear_line(tmp_path):
    path = tmp_path / "cookieaudit.toml"
    path.write_bytes('\ufefffail-on = "warning"\n'.encode("utf-16-le"))
    try:
        load_config(str(path))
    except InputError as exc:
        assert str(exc) == f"config {path}: not UTF-8 text (TOML files are UTF-8; save it as UTF-8)"
    else:
        raise AssertionError("a UTF-16 config loaded")

"""Size limits shared by the readers."""

MAX_FILE_BYTES = 64 * 1024 * 1024  # a bigger file is refused outright
MAX_TEXT_CHARS = 2_000_000  # text beyond this is not parsed (a statement is ~10-100 KB)

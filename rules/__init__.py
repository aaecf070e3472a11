"""cookieaudit's built-in rule set: YAML data files, installed as ``cookieaudit.rules``."""

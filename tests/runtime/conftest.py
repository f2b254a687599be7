"""Fixtures of the runtime tests: the tiny Rasa project and its model (cached by fingerprint)."""
from pathlib import Path

import pytest

from tests.runtime.rt_tinybot import write_tinybot
from tests.support.stack import ensure_model

ROOT = Path(__file__).resolve().parents[2]
TINY_MODELS = ROOT / "tests" / "artifacts" / "models"


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """The tiny project (paths) plus "model": its trained model, reused across sessions."""
    project = write_tinybot(tmp_path_factory.mktemp("tinybot"))
    project["model"] = ensure_model(project["config"], project["domain"], [project["data"]], out=TINY_MODELS)
    return project

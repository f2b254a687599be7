"""The `schedbot` front door: every documented command is wired, unknown ones fail clearly."""
import subprocess
import sys

from bot import cli


def test_help_lists_every_documented_command(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("scheduler", "when", "train", "run", "chat"):
        assert name in out


def test_unknown_command_is_a_usage_error(capsys):
    assert cli.main(["frobnicate"]) == 2
    assert "unknown command" in capsys.readouterr().err


def test_every_command_module_imports():
    import importlib

    for module, _ in cli.COMMANDS.values():
        assert callable(importlib.import_module(module).main)


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "schedbot" in out.stdout

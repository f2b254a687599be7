"""`schedbot`: one command in front of every part (see INTERFACES.md).

Each subcommand imports its own part lazily, so `schedbot scheduler ...` never loads Rasa.
"""
import importlib
import sys

COMMANDS = {
    "scheduler": ("scheduler.cli", "the FHIR Scheduler: serve | seed"),
    "when": ("actions.timeprefs.cli", "what the assistant understands of a time preference"),
    "train": ("bot.train", "train the assistant's model (skipped when nothing changed)"),
    "run": ("bot.run", "run scheduler + action server + Rasa (what `make demo` ends with)"),
    "chat": ("bot.chat", "chat with the running assistant in this terminal"),
}


def usage() -> str:
    lines = ["usage: schedbot COMMAND [ARGS]", ""]
    lines += [f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"schedbot: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())

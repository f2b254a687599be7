"""`make bench`: run every benchmark in turn (or the ones named: `python -m bench find when`)."""
import importlib
import sys
import time

ALL = ["when", "find", "book", "prefetch", "notify", "channels", "turns", "nlu"]


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or ALL
    failed = []
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception as exc:  # one broken benchmark should not hide the others' figures
            failed.append(name)
            print(f"bench.{name} failed: {exc!r}")
        print(f"(bench.{name}: {time.perf_counter() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

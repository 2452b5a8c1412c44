"""Fails when a public declaration of the given modules has no doc comment.

Usage: python3 check_doc_coverage.py SYMBOLGRAPH_DIR MODULE [MODULE ...]

Reads the symbol graphs that `swift package dump-symbol-graph --minimum-access-level public`
writes. A declaration counts as documented when it has its own doc comment, or when it
implements or overrides a declaration that has one (DocC shows the inherited comment). Members
the compiler synthesizes (`hashValue`, `==`, ...) have no source location and are skipped.
"""
import json
import os
import sys


def main():
    folder, modules = sys.argv[1], sys.argv[2:]
    failures = []
    total = 0
    for module in modules:
        graph = json.load(open(os.path.join(folder, f"{module}.symbols.json")))
        symbols = {s["identifier"]["precise"]: s for s in graph["symbols"]}
        inherits = {}
        for r in graph["relationships"]:
            if r["kind"] in ("overrides", "defaultImplementationOf", "requirementOf"):
                inherits.setdefault(r["source"], []).append(r["target"])

        def documented(identifier, seen=()):
            symbol = symbols.get(identifier)
            if symbol is None:
                return True  # declared in another module (a standard protocol's requirement)
            if symbol.get("docComment"):
                return True
            return any(documented(t, seen + (identifier,)) for t in inherits.get(identifier, []) if t not in seen)

        for identifier, symbol in symbols.items():
            if "location" not in symbol:
                continue
            total += 1
            if not documented(identifier):
                location = symbol["location"]
                path = location["uri"].split("/Sources/")[-1]
                line = location["position"]["line"] + 1
                failures.append(f"Sources/{path}:{line}: {'.'.join(symbol['pathComponents'])} has no doc comment")
    for failure in sorted(failures):
        print(failure)
    print(f"{total - len(failures)} of {total} public declarations documented")
    sys.exit(1 if failures else 0)


main()

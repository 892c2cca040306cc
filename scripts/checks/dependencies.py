#!/usr/bin/env python3
"""Every target's declared dependencies equal the modules its files import (make check runs it).

Reads Package.swift and the `import` lines under each target's folder; prints each difference and
exits 1 when there is one. Foundation's own modules and the toolchain's are not dependencies."""
import glob, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(root)
toolchain = {"Foundation", "FoundationXML", "FoundationEssentials", "XCTest", "Glibc", "Dispatch", "PackageDescription", "Testing"}
products = {"GRDB": "GRDB", "ArgumentParser": "ArgumentParser", "Yams": "Yams",
            "NIOCore": "NIOCore", "NIOPosix": "NIOPosix", "NIOEmbedded": "NIOEmbedded", "NIOConcurrencyHelpers": "NIOConcurrencyHelpers"}

package = open("Package.swift").read()
problems = []
for match in re.finditer(r'\.(?:target|testTarget|executableTarget)\(name: "(\w+)"(?:, dependencies: \[(.*?)\])?(?:, path: "([^"]+)")?', package, re.S):
    name, deps_text, path = match.group(1), match.group(2) or "", match.group(3)
    if name == "CPayload":
        continue
    folder = path or (f"Tests/{name}" if os.path.isdir(f"Tests/{name}") else f"Sources/{name}")
    if not os.path.isdir(folder):
        continue
    declared = {d for d in re.findall(r'"(\w+)"', deps_text) if d not in ("GRDB.swift", "swift-nio", "swift-argument-parser")}
    declared |= {p for p in products if f'"{p}"' in deps_text}
    imported = set()
    for file in glob.glob(f"{folder}/**/*.swift", recursive=True):
        for line in open(file):
            found = re.match(r"\s*(?:@testable\s+)?import\s+(?:(?:class|struct|enum|func)\s+)?(\w+)\s*$", line)
            if found:
                imported.add(found.group(1))
    imported -= toolchain
    if declared - imported:
        problems.append(f"{name}: declares {sorted(declared - imported)} but imports none of them")
    if imported - declared:
        problems.append(f"{name}: imports {sorted(imported - declared)} without declaring them")
for problem in problems:
    print("dependencies:", problem)
sys.exit(1 if problems else 0)

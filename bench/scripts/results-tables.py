#!/usr/bin/env python3
"""Renders RESULTS.md's "Results" and "Targets" tables from RESULTS.json (the same format), so the
tables always show the run the JSON holds. Usage: bench/scripts/results-tables.py [RESULTS.json]"""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "bench/RESULTS.json"
report = json.load(open(path))


def num(x, digits=1):
    if x is None:
        return ""
    return f"{x:,.{digits}f}"


rows = {}
order = []
for r in report["results"]:
    if r["op"] not in rows:
        rows[r["op"]] = {}
        order.append(r["op"])
    rows[r["op"]][r["dialect"]] = r

print("| operation | SQLite median µs | p99 µs | ops/s | floor µs | ×floor | Postgres median µs | p99 µs | ops/s | floor µs | ×floor | PG/SQLite |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for op in order:
    cells = [op]
    for d in ("sqlite", "postgres"):
        r = rows[op].get(d)
        if not r:
            cells += [""] * 5
            continue
        cells += [
            num(r["medianUs"]),
            num(r["p99Us"]),
            num(r["opsPerSec"], 0),
            num(r.get("floorUs")),
            num(r.get("ratioToFloor"), 2),
        ]
    s, p = rows[op].get("sqlite"), rows[op].get("postgres")
    cells.append(f"{p['medianUs'] / s['medianUs']:.2f}×" if s and p and s["medianUs"] else "")
    print("| " + " | ".join(cells) + " |")

print()
print("| target | figure | status |")
print("| --- | --- | --- |")
for t in report["targets"]:
    status = "met" if t["met"] else "**missed**"
    if not t.get("atTargetScale", True):
        status += " (not at 1M)"
    print(f"| {t['target']} | {t['figure']} | {status} |")

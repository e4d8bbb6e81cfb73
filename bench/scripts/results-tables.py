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

print()
print("Seeding:")
print()
seed = report["seed"]["byDialect"]
sq = seed.get("sqlite")
pg = seed.get("postgres")
if sq:
    floor = (
        f"; **seeding floor: {sq['floorRowsPerSec']:,.0f} rows/s**, store ÷ floor {sq['ratioToFloor']:.2f}×"
        if sq.get("floorRowsPerSec")
        else ""
    )
    print(
        f"- sqlite: {sq['sessions']:,} sessions + {sq['users']:,} users in {sq['seconds']:.1f} s = "
        f"**{sq['rowsPerSec']:,.0f} rows/s** (inside the store: {sq['storeRowsPerSec']:,.0f} rows/s{floor})"
    )
if pg:
    slower = f", {sq['rowsPerSec'] / pg['rowsPerSec']:.2f}× slower than SQLite" if sq else ""
    print(
        f"- postgres: {pg['sessions']:,} sessions + {pg['users']:,} users in {pg['seconds']:.1f} s = "
        f"**{pg['rowsPerSec']:,.0f} rows/s** (inside the store: {pg['storeRowsPerSec']:,.0f} rows/s){slower}"
    )

for title, key in (
    ("HTTP, `sessions.validate`, SQLite, 1M sessions — typed client loop:", "http"),
    ("The same, autocannon:", "httpAutocannon"),
):
    runs = report.get(key) or []
    if not runs:
        continue
    print()
    print(title)
    print()
    print("| callers | requests/s | p50 ms | p99 ms | requests | errors | API CPU µs/request | load-generator CPU µs/request |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for h in runs:
        print(
            f"| {h['concurrency']} | {h['rps']:,.0f} | {h['p50Ms']:.2f} | {h['p99Ms']:.2f} | {h['requests']} | "
            f"{h['errors']} | {h['apiCpuUsPerRequest']:.0f} | {h['clientCpuUsPerRequest']:.0f} |"
        )
if report.get("rssMiB"):
    print()
    print(f"API process peak RSS (`VmHWM`): **{report['rssMiB']:.1f} MiB**.")

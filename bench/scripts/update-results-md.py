#!/usr/bin/env python3
"""Puts the run in RESULTS.json into RESULTS.md: the header's run line, the Results section (its
tables, seeding and HTTP figures) and the Targets table, all rendered by results-tables.py.
The analysis prose after the Targets table is left as written. Usage: from the repository root,
bench/scripts/update-results-md.py"""
import json
import re
import subprocess

md_path, json_path = "bench/RESULTS.md", "bench/RESULTS.json"
report = json.load(open(json_path))
out = subprocess.run(
    ["python3", "bench/scripts/results-tables.py", json_path], capture_output=True, text=True, check=True
).stdout
blocks = out.strip().split("\n\n")
results_table, targets_table, rest = blocks[0], blocks[1], "\n\n".join(blocks[2:])
md = open(md_path).read()

start = md.index("| operation", md.index("\n## Results"))
end = md.index("\n", md.index("API process peak RSS"))
md = md[:start] + results_table + "\n\n" + rest + md[end:]

t_start = md.index("| target ", md.index("## Targets"))
t_end = md.index("\n\n", t_start)
md = md[:t_start] + targets_table + md[t_end:]

when = report["startedAt"]
md = re.sub(
    r"Run on .*? in all, on commit `[0-9a-f]+`",
    f"Run on {when[:10]} at {when[11:16]} UTC, {report['durationSec']:.0f} s in all, on commit `{report['versions']['gitCommit']}`",
    md,
    count=1,
    flags=re.S,
)
load = " / ".join(f"{x:.2f}" for x in report["machine"]["loadAverageAtStart"])
md = re.sub(r"Load average when the run started: [0-9.]+ / [0-9.]+ / [0-9.]+", f"Load average when the run started: {load}", md, count=1)
open(md_path, "w").write(md)

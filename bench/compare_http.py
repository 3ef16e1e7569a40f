"""Two bench_http.py tables side by side: queries, bytes, p50 and the ratio to the floor, before and after.

    .venv/bin/python bench/compare_http.py bench/results/before-2000.txt bench/results/after-2000-session3.txt

Reads the summary tables bench_http.py prints at the end (the GET pages and the POSTs) and prints one
Markdown table, a row per page, in the order of the second file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROW = re.compile(
    r"^(?P<name>\S.*?)\s{2,}(?P<role>nobody|leader|enabler|coordinator)\s+(?P<queries>\d+)\s+(?P<bytes>[\d,]+)"
    r"\s+(?P<rps>[\d.]+)\s+(?P<p50>[\d.]+)\s+(?P<p99>[\d.]+)\s+(?P<ratio>[\d.]+)"
)
POST = re.compile(
    r"^(?P<name>\S.*?)\s{2,}(?P<queries>\d+)\s+(?P<bytes>[\d,]+)\s+(?P<rps>[\d.]+)\s+(?P<p50>[\d.]+)"
    r"\s+(?P<p99>[\d.]+)\s+(?P<ratio>[\d.]+)"
)


def table(path: Path) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    text = path.read_text()
    summary = text[text.rindex("\npage ") :] if "\npage " in text else text
    for line in summary.splitlines():
        match = ROW.match(line) or POST.match(line)
        if match:
            rows[match["name"].strip()] = match.groupdict()
    return rows


def main() -> None:
    before, after = (table(Path(p)) for p in sys.argv[1:3])
    print("| page | queries | bytes | p50 ms | x floor (POST: x INSERT req/s) |")
    print("|---|---|---|---|---|")
    for name, now in after.items():
        was = before.get(name)

        def pair(key: str, was: dict[str, str] | None = was, now: dict[str, str] = now) -> str:
            return f"{was[key]} → {now[key]}" if was and was[key] != now[key] else now[key]

        print(f"| {name} | {pair('queries')} | {pair('bytes')} | {pair('p50')} | {pair('ratio')} |")


if __name__ == "__main__":
    main()

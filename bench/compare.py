"""A markdown before/after table from the JSON files of bench/http_bench.py --json (one column group per file).

    .venv/bin/python bench/compare.py before.json after.json [fixed.json …]
"""

import json
import sys


def target_text(result):
    if "target_cpu_per_page" in result:
        return f"< {result['target_cpu_per_page']} ms CPU/page"
    text = f"median < {result['target_median']} ms"
    if result.get("target_p95"):
        text += f", p95 < {result['target_p95']} ms"
    if result.get("target_ratio"):
        text += f", ≤ {result['target_ratio']}× SQL"
    return text


def cell(result):
    if result is None:
        return "—"
    if "cpu_per_page" in result:
        return (f"CPU {result['cpu_per_page']:.0f} ms/page (wall {result['median']:.0f} ms, {result['pages']} p.) "
                f"{'met' if result['met'] else '**missed**'}")
    return (f"{result['median']:.1f} / p95 {result['p95']:.1f} ms; SQL {result['sql_median']:.1f} ms; "
            f"{result['ratio']:.1f}× {'met' if result['met'] else '**missed**'}")


def main(paths):
    runs = [json.loads(open(path, encoding="utf-8").read()) for path in paths]
    names = list(dict.fromkeys(result["name"] for run in runs for result in run["results"]))
    print("| page | target | " + " | ".join(f"{run['label']} (probe {run['probe']:.2f} s, {run['at']})"
                                             for run in runs) + " |")
    print("|---|---|" + "---|" * len(runs))
    for name in names:
        found = [next((r for r in run["results"] if r["name"] == name), None) for run in runs]
        first = next(r for r in found if r)
        print(f"| {name} | {target_text(first)} | " + " | ".join(cell(r) for r in found) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])

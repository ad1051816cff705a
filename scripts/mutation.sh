#!/usr/bin/env bash
# The KPI core's mutation score, one module at a time: mutmut (configured in pyproject.toml,
# [tool.mutmut]) changes a comparison, a constant or a branch, runs the KPI core's own tests
# (tests/kpis) and counts the changes no test noticed. Slow, so not in CI.
#
#   scripts/mutation.sh                       # judge, measures, stats, timeline, forecast
#   scripts/mutation.sh stats forecast.path   # some of them
#   PYTHON=.venv/bin/python scripts/mutation.sh judge
#
# It works in a scratch copy of the working tree (tracked and new files, not ignored ones), so
# mutmut's mutants/ folder never lands in the repository. Survivors are listed per module; see
# one with: cd <the scratch copy printed below> && $PYTHON -m mutmut show <name>.
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
python=${PYTHON:-$repo/.venv/bin/python}
python=$(cd "$(dirname "$python")" && pwd)/$(basename "$python")
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    modules=(judge measures stats timeline forecast)
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kpictl-mutation.XXXXXX")
echo "scratch copy: $scratch"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$repo" && xargs -0 cp --parents -t "$scratch" 2>/dev/null || true)
cd "$scratch"

for module in "${modules[@]}"; do
    pattern="kpictl.kpis.${module}.*"
    nice -n 10 "$python" -m mutmut run "$pattern" >"mutmut-$module.log" 2>&1 || {
        tail -20 "mutmut-$module.log"
        echo "$module: mutmut failed (log: $scratch/mutmut-$module.log)"
        continue
    }
    "$python" -m mutmut results --all true >"results-$module.txt"
    "$python" - "$module" "results-$module.txt" <<'EOF'
import fnmatch
import sys

module, path = sys.argv[1], sys.argv[2]
by_module: dict[str, dict[str, int]] = {}
survivors = []
for line in open(path, encoding="utf-8"):
    name, _, status = line.strip().rpartition(": ")
    if not fnmatch.fnmatch(name, f"kpictl.kpis.{module}.*"):
        continue
    where = name.rsplit(".x", 1)[0].removeprefix("kpictl.kpis.")  # forecast.path, for a package
    counts = by_module.setdefault(where, {})
    counts[status] = counts.get(status, 0) + 1
    if status == "survived":
        survivors.append(name)


def line(label: str, counts: dict[str, int]) -> str:
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    tested = killed + counts.get("survived", 0)
    score = 100 * killed / tested if tested else 0.0
    rest = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in ("killed", "survived"))
    return f"{label}: {score:.1f}% ({killed} of {tested} mutants killed{'; ' + rest if rest else ''})"


total: dict[str, int] = {}
for counts in by_module.values():
    for status, n in counts.items():
        total[status] = total.get(status, 0) + n
print(line(module, total))
if len(by_module) > 1:
    for where, counts in sorted(by_module.items()):
        print("  " + line(where, counts))
for name in survivors:
    print(f"    survived: {name}")
EOF
done

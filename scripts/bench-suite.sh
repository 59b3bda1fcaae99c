#!/bin/sh
# bench-suite: how long the default embedded xfer-conform run takes, and
# how that compares with its longest single scenario (issue 12: aim for at
# most 1.5x on 2 cores). Not a test: it prints figures for
# docs/performance.md. Needs jq.
#
#   scripts/bench-suite.sh                     # default concurrency, both embedded modes
#   CONCURRENCY="1 8 32" scripts/bench-suite.sh
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/xfer-conform" ./cmd/xfer-conform
echo "cpus: $(getconf _NPROCESSORS_ONLN)  go: $(go env GOVERSION)"
printf '%-12s %-12s %8s %9s %9s %7s %s\n' concurrency embedded wall_s suite_s longest_s ratio result
for c in ${CONCURRENCY:-0}; do
	for mode in ${MODES:-per-scenario shared}; do
		out="$tmp/out-$c-$mode"
		start=$(date +%s%N)
		set +e
		"$tmp/xfer-conform" --format progress --concurrency "$c" --embedded "$mode" --out "$out" >"$tmp/log" 2>&1
		rc=$?
		set -e
		end=$(date +%s%N)
		wall=$(echo "$start $end" | awk '{printf "%.2f", ($2-$1)/1e9}')
		# godog's own figure: first scenario start to last scenario end.
		suite=$(tail -n 1 "$tmp/log" | awk '{t=$1; if (t ~ /ms$/) {sub(/ms$/,"",t); t/=1000} else if (t ~ /m[0-9.]+s$/) {split(t,a,"m"); sub(/s$/,"",a[2]); t=a[1]*60+a[2]} else sub(/s$/,"",t); printf "%.2f", t}')
		longest=$(jq '[.[].durationMs] | max / 1000' "$out/scenarios/index.json")
		ratio=$(echo "$suite $longest" | awk '{printf "%.2f", $1/$2}')
		result=$(grep -E '^[0-9]+ scenarios' "$tmp/log" || echo "exit $rc")
		printf '%-12s %-12s %8s %9s %9.2f %7s %s\n' "$c" "$mode" "$wall" "$suite" "$longest" "$ratio" "$result"
	done
done
echo "concurrency 0 is the default (xfer-conform --help); wall includes writing --out; ratio = suite / longest scenario"

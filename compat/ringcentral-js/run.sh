#!/usr/bin/env bash
# Runs the official RingCentral JS SDK, unchanged, against a freshly built
# pbxsim: build pbxsim, start it on a free loopback port, install the pinned
# npm packages (package-lock.json) when node_modules is missing or stale, run
# `node --test`, stop pbxsim. Exits non-zero when anything fails.
#
#   bash compat/ringcentral-js/run.sh            # from anywhere in the repo
#   PBXSIM_URL=http://127.0.0.1:8080 bash compat/ringcentral-js/run.sh   # use a running pbxsim
#
# Needs go, node >= 20 and npm; the only network it needs is the npm registry
# (and the Go module proxy when the module cache is cold).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
started=$(date +%s)

fail() { echo "ringcentral-js: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (need Node 20 or later)"
command -v npm >/dev/null || fail "npm is not installed"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "node $(node --version) is too old; need Node 20 or later"

tmp="$(mktemp -d)"
pbxsim_pid=""
drain_pid=""
cleanup() {
	# Only the processes this script started, by id.
	if [ -n "$pbxsim_pid" ]; then kill "$pbxsim_pid" 2>/dev/null || true; wait "$pbxsim_pid" 2>/dev/null || true; fi
	if [ -n "$drain_pid" ]; then wait "$drain_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${PBXSIM_URL:-}" ]; then
	command -v go >/dev/null || fail "go is not installed (needed to build pbxsim)"
	echo "ringcentral-js: building pbxsim"
	(cd "$root" && go build -o "$tmp/pbxsim" ./cmd/pbxsim)

	# pbxsim prints one line, "listening on http://HOST:PORT", once it serves.
	# Read it from a FIFO with a deadline, then keep draining pbxsim's output
	# into a log so it never blocks on a full pipe.
	mkfifo "$tmp/out"
	"$tmp/pbxsim" --addr 127.0.0.1:0 >"$tmp/out" 2>&1 &
	pbxsim_pid=$!
	exec 3<"$tmp/out"
	line=""
	if ! IFS= read -r -t 15 line <&3 || [[ "$line" != "listening on "* ]]; then
		fail "pbxsim did not print 'listening on ...' within 15 s; it printed: ${line:-nothing}"
	fi
	cat <&3 >"$tmp/pbxsim.log" &
	drain_pid=$!
	exec 3<&-
	export PBXSIM_URL="${line#listening on }"
fi
echo "ringcentral-js: pbxsim at $PBXSIM_URL"

# npm ci only when node_modules does not match package-lock.json: the stamp
# is the lock file's hash as of the last successful install.
cd "$here"
[ -f package-lock.json ] || fail "package-lock.json is missing; run npm install in $here and commit it"
lock_hash="$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha256").update(f.readFileSync("package-lock.json")).digest("hex"))')"
stamp="node_modules/.xfer-conform-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
	echo "ringcentral-js: npm ci"
	npm ci --no-audit --no-fund
	printf '%s' "$lock_hash" >"$stamp"
fi

status=0
node --test warm-transfer.test.js || status=$?
if [ "$status" -ne 0 ] && [ -s "$tmp/pbxsim.log" ]; then
	echo "ringcentral-js: pbxsim output (last 50 lines):" >&2
	tail -n 50 "$tmp/pbxsim.log" >&2 || true
fi
echo "ringcentral-js: $([ "$status" -eq 0 ] && echo PASS || echo FAIL) in $(( $(date +%s) - started )) s"
exit "$status"

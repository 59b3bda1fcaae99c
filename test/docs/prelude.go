package docs

// prelude runs before every sh block. The docs speak to a user at the
// repository root with Go installed; the test gives each block a fresh
// directory and the same commands:
//
//   - xfer-conform and pbxsim are the binaries built from this tree. A
//     documented xfer-conform run executes at most the first two
//     scenarios it selects (found with --list), so the docs test checks
//     that every command works and prints what the doc says without
//     running the whole suite again; --list, --help and --version run as
//     given.
//   - go run ./cmd/xfer-conform and ./cmd/pbxsim are those binaries; go
//     install of this module is a no-op (the binaries are on PATH, and
//     go env GOPATH names their directory's parent); go build and go
//     test run in the repository, with -o relative to the block's
//     directory.
//   - make run is the pbxsim already started for the block; make
//     conform ARGS=... is xfer-conform ARGS.
//   - curl fails on an HTTP error status (--fail-with-body): a documented
//     request that stops working fails the test.
const prelude = `
go() {
	case "$1 $2" in
	"run ./cmd/xfer-conform") shift 2; xfer-conform "$@"; return ;;
	"run ./cmd/pbxsim") shift 2; pbxsim "$@"; return ;;
	esac
	case "$1" in
	install) case "$2" in github.com/xfer-conform/xfer-conform/*) return 0 ;; esac ;;
	env) if [ "$2" = GOPATH ]; then echo "$DOCS_GOPATH"; return; fi ;;
	build|test)
		_args="" _o=0
		for _a in "$@"; do
			if [ "$_o" = 1 ]; then case "$_a" in /*) ;; *) _a="$PWD/$_a" ;; esac; _o=0; fi
			[ "$_a" = -o ] && _o=1
			_args="$_args '$_a'"
		done
		eval "command go -C \"\$DOCS_REPO\" $_args"; return ;;
	esac
	command go "$@"
}
make() {
	case "$1" in
	run) echo "listening on $PBXSIM_URL" ;;
	conform)
		shift; _args=""
		for _a in "$@"; do case "$_a" in ARGS=*) _args="${_a#ARGS=}" ;; esac; done
		eval "xfer-conform $_args" ;;
	*) echo "docs test: make $1 is not run from a doc" >&2; return 1 ;;
	esac
}
curl() { command curl --fail-with-body "$@"; }
`

// narrowing is the xfer-conform on the docs test's PATH: the real binary,
// running at most the first two scenarios a command selects.
const narrowing = `#!/bin/sh
real="$DOCS_BIN/real/xfer-conform"
for a in "$@"; do
	case "$a" in --list|-l|--help|-h|--version) exec "$real" "$@" ;; esac
done
locs=$("$real" --list "$@" 2>/dev/null | head -n 2 | cut -f1 | grep ':')
exec "$real" "$@" $locs
`

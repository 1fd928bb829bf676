# lib.sh - helpers for the black-box shell tests (sourced, not run).
#
# Each test script calls `ok NAME` or `not_ok NAME [REASON...]` per check and
# ends with `finish`, which prints "N passed, N failed" and sets the status.
# $HEAPLENS is the command that runs the binary (under valgrind with
# VALGRIND=1); $TOP is the repository root; $TMP a private scratch directory.

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
HEAPLENS=${HEAPLENS:-$TOP/heaplens}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heaplens-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok - $(basename "$0" .sh): $1"
}

not_ok() {
	local name=$1
	shift
	failed=$((failed + 1))
	echo "not ok - $(basename "$0" .sh): $name"
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
}

# check NAME COMMAND...: ok if the command succeeds.
check() {
	local name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "command failed: $*" "$(head -c 2000 "$TMP/check.out")"
	fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "actual:   $3"
	fi
}

# expect_match NAME REGEX TEXT: ok if TEXT matches the extended regex.
expect_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1" "expected to match: $2" "actual: $(printf '%s' "$3" | head -c 2000)"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

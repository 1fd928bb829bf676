#!/usr/bin/env bash
# 10,000 requests pipelined on one pipe: every one answered, in order, with
# the server's memory flat (rpc-run compares its RSS at 1,000 answers and at
# 10,000).
. "$(dirname "$0")/lib.sh"

# Under valgrind or a sanitizer (whose quarantine keeps freed memory) the
# resident size says nothing about heaplens; leaks are their job there.
growth=2048
case "$HEAPLENS" in valgrind*) growth=1048576 ;; esac
grep -q -- -fsanitize "$TOP/build/FLAGS" 2>/dev/null && growth=1048576
if "$TOP/build/rpc-run" --flood 10000 --max-growth-kb $growth -- $HEAPLENS >"$TMP/out" 2>&1; then
	ok "10000 pipelined requests answered in order, memory flat"
	grep '#' "$TMP/out" | sed 's/^/    /'
else
	not_ok "10000 pipelined requests answered in order, memory flat" "$(cat "$TMP/out")"
fi

finish

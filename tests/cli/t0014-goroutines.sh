#!/usr/bin/env bash
# heaplens goroutines: every sample's three formats (debug=2, debug=1, the
# goroutine profile) read with the same total, counted here with grep;
# the leaks samples/README.md names are the top user groups; --base gives
# the growth; --json has the keys DESIGN.md fixes; standard input works;
# bad input exits 2 naming the file.
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "# jq is not installed: skipping"
	finish
	exit
fi

cd "$TOP/samples" || exit 2
art=artefacts

for dir in "$art"/*/; do
	name=$(basename "$dir")
	[ -f "$dir/goroutine.txt" ] || continue
	want=$(grep -cE '^goroutine [0-9]+ \[.*\]:$' "$dir/goroutine.txt")
	t2=$($HEAPLENS goroutines --json "$dir/goroutine.txt" | jq .total)
	t1=$($HEAPLENS goroutines --json "$dir/goroutine-debug1.txt" | jq .total)
	tp=$($HEAPLENS goroutines --json "$dir/goroutine.pb.gz" | jq .total)
	expect_eq "$name: the three formats total $want goroutines" \
		"$want $want $want" "$t2 $t1 $tp"
done

# top NAME: the first group blocked in the program's own code.
top() {
	$HEAPLENS goroutines --json "$@" | jq -r '[.groups[] | select(.user)][0] |
		"\(.count) \(.state) \(.function) \(.blocked_at.file | split("/")[-2:] | join("/")):\(.blocked_at.line) \(.created_by) \(.created_at.line)"'
}
n=$(grep -c '^goroutine [0-9]* \[chan send\]:' "$art/goroutineleak/goroutine.txt")
expect_eq "goroutineleak: $n in chan send at main.go:45" \
	"$n chan send main.(*quoteClient).fetch.func1 goroutineleak/main.go:45 main.(*quoteClient).fetch 44" \
	"$(top "$art/goroutineleak/goroutine.txt")"
expect_eq "service: 96 at pricing.go:85" \
	"96 chan send main.fetchPrice.func1 service/pricing.go:85 main.fetchPrice 83" \
	"$(top "$art/service/goroutine.txt")"
expect_eq "tickerleak: 16 sessions in select at main.go:63" \
	"16 select main.(*session).serve tickerleak/main.go:63 main.main 115" \
	"$(top "$art/tickerleak/goroutine.txt")"
expect_eq "cancelleak: 4 in chan receive at main.go:113" \
	"4 chan receive main.main.func1 cancelleak/main.go:113 main.main 111" \
	"$(top "$art/cancelleak/goroutine.txt")"

# bodyleak: no frame of the program; grouped by net/http's creators.
out=$($HEAPLENS goroutines --json "$art/bodyleak/goroutine.txt" | jq -r \
	'"\([.groups[] | select(.user)] | length) \([.groups[] | select(.created_by == "net/http.(*Transport).dialConn") | .count] | add)"')
want=$(grep -c '^created by net/http.(\*Transport).dialConn$' "$art/bodyleak/goroutine.txt")
expect_eq "bodyleak: no user groups, $want created by dialConn" "0 $want" "$out"

# Text form.
out=$($HEAPLENS goroutines "$art/goroutineleak/goroutine.txt" --base "$art/goroutineleak/goroutine-base.txt" | sed -n 2p)
expect_eq "text: one line per group, with growth" \
	"144 goroutines [chan send] in main.(*quoteClient).fetch.func1 at goroutineleak/main.go:45, created by main.(*quoteClient).fetch at goroutineleak/main.go:44 (+78 since base)" \
	"$out"
out=$($HEAPLENS goroutines "$art/goroutineleak/goroutine-debug1.txt" | head -n 1)
expect_match "text: debug=1 says it has no creation sites" "debug=1 has no states, waits or creation sites" "$out"

# --base: growth per group, sorted by it.
base=$(grep -c '^goroutine [0-9]* \[chan send\]:' "$art/service/goroutine-base.txt")
out=$($HEAPLENS goroutines --json "$art/service/goroutine.txt" --base "$art/service/goroutine-base.txt" |
	jq -r '.groups[0] | "\(.function) \(.count) \(.growth)"')
expect_eq "service --base: pricing.go:85 grew most" \
	"main.fetchPrice.func1 96 $((96 - base))" "$out"
$HEAPLENS goroutines --json "$art/service/goroutine.txt" --base "$art/service/goroutine-base.txt" |
	jq -e '[.groups[].growth] as $g | $g == ($g | sort | reverse)' >/dev/null
expect_eq "--base sorts by growth" 0 $?

# JSON keys (DESIGN.md), nulls where the format lacks them.
$HEAPLENS goroutines --json "$art/goroutineleak/goroutine.txt" | jq -e '
	(keys | contains(["total", "groups"])) and
	all(.groups[]; (keys | contains(["count", "state", "max_wait_minutes",
		"function", "blocked_at", "created_at"])) and (has("growth") | not))' >/dev/null
expect_eq "--json has the fixed keys, no growth without --base" 0 $?
$HEAPLENS goroutines --json "$art/goroutineleak/goroutine.pb.gz" | jq -e '
	.format == "pprof" and all(.groups[]; .state == null and
		.created_at == null and .max_wait_minutes == null)' >/dev/null
expect_eq "--json: a profile's states, waits and creators are null" 0 $?
out=$($HEAPLENS goroutines --json --top 2 "$art/service/goroutine.txt" | jq '.groups | length')
expect_eq "--top 2" 2 "$out"

# Standard input, each format.
for f in goroutine.txt goroutine-debug1.txt goroutine.pb.gz; do
	a=$($HEAPLENS goroutines --json - <"$art/goroutineleak/$f")
	b=$($HEAPLENS goroutines --json "$art/goroutineleak/$f")
	expect_eq "standard input: $f" "$b" "$a"
done

# Bad input: exit 2, the file and the reason on stderr.
bad() {
	local name=$1 want=$2
	shift 2
	$HEAPLENS goroutines "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	local code=$?
	if [ $code = 2 ] && grep -qE -- "$want" "$TMP/err" && [ ! -s "$TMP/out" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $code" "stderr: $(cat "$TMP/err")" "stdout: $(head -c 300 "$TMP/out")"
	fi
}
bad "a missing file" "$TMP/none.txt" "$TMP/none.txt"
bad "a missing base" "none-base.txt" "$art/service/goroutine.txt" --base "$TMP/none-base.txt"
printf 'hello\nworld\n' >"$TMP/notes.txt"
bad "text that is no dump" "notes\.txt: no goroutine dump found" "$TMP/notes.txt"
bad "a heap profile" "heap\.pb\.gz: not a goroutine profile" "$art/service/heap.pb.gz"
head -c 300 "$art/service/goroutine.pb.gz" >"$TMP/cut.pb.gz"
bad "a truncated profile" "cut\.pb\.gz" "$TMP/cut.pb.gz"
bad "empty standard input" "<stdin>: no goroutine dump found" -
bad "a missing INPUT" "missing INPUT"
bad "two INPUTs" "one INPUT only" "$art/service/goroutine.txt" "$art/service/goroutine.txt"
bad "--top 0" "--top wants a positive number" --top 0 "$art/service/goroutine.txt"
bad "an unknown option" "unknown option '--frobnicate'" --frobnicate "$art/service/goroutine.txt"

# A dump cut mid-frame still reads, and says so.
head -c 2000 "$art/goroutineleak/goroutine.txt" >"$TMP/cut.txt"
out=$($HEAPLENS goroutines --json "$TMP/cut.txt" | jq .truncated)
expect_eq "a dump cut mid-frame: one cut counted" 1 "$out"

finish

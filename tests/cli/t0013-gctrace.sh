#!/usr/bin/env bash
# heaplens gctrace: on every sample the --json keys DESIGN.md promises are
# there, the counts and live heap are the trace's own (counted here with
# awk), and the verdict is right; text output says the same; standard
# input works; bad input exits 2 naming the file; --help tells the truth.
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "# jq is not installed: skipping"
	finish
	exit
fi

cd "$TOP/samples" || exit 2
art=artefacts

verdict_of() {
	case $1 in
	cacheleak | bodyleak | tickerleak | cancelleak | service) echo growing ;;
	*) echo steady ;;
	esac
}

for dir in "$art"/*/; do
	name=$(basename "$dir")
	log=$dir/gctrace.log
	[ -f "$log" ] || continue
	$HEAPLENS gctrace --json "$log" >"$TMP/$name.json" 2>"$TMP/err"
	code=$?
	if [ $code = 0 ] && jq -e '
		(.cycles | type) == "number" and (.span_s | type) == "number"
		and all(.pause_ms.total, .pause_ms.p50, .pause_ms.p95,
			.pause_ms.p99, .pause_ms.max; type == "number")
		and (.gc_cpu_percent | type) == "number"
		and (.live_mb | type) == "array"
		and all(.trend.mb_per_min, .trend.r2; type == "number")
		and (.trend.verdict == "steady" or .trend.verdict == "growing")
		and (.trend.reason | type) == "string"' \
		"$TMP/$name.json" >/dev/null; then
		ok "$name: --json has the keys DESIGN.md names"
	else
		not_ok "$name: --json has the keys DESIGN.md names" "exit $code" \
			"$(cat "$TMP/err")" "$(head -c 600 "$TMP/$name.json")"
	fi
	# The trace's own numbers, read with awk.
	want=$(awk '
		/^gc [0-9]+ @/ {
			n++
			for (i = 1; i <= NF; i++)
				if ($(i + 1) == "MB," && $i ~ /->/) {
					split($i, h, "->")
					live = live (n > 1 ? "," : "") h[3]
				}
			split($5, c, "+")
			p = c[1] + c[3]
			if (p > max) max = p
			pct = $4
			sub(/%:/, "", pct)
			if ($0 ~ /\(forced\)$/) forced++
		}
		END { printf "%d %d [%s] %.3f %d\n", n, forced, live, max, pct }' "$log")
	got=$(jq -r '"\(.cycles) \(.forced) \(.live_mb | tostring | gsub(" "; "")) \(.pause_ms.max * 1000 | round / 1000 | tostring) \(.gc_cpu_percent)"' \
		"$TMP/$name.json")
	# jq prints 0.121 as 0.121 and awk as 0.121: compare as numbers.
	if [ "$(echo "$want" | awk '{ $4 = sprintf("%.3f", $4); print }')" = \
		"$(echo "$got" | awk '{ $4 = sprintf("%.3f", $4); print }')" ]; then
		ok "$name: cycles, forced, live heap, max pause, GC CPU are the trace's"
	else
		not_ok "$name: cycles, forced, live heap, max pause, GC CPU are the trace's" \
			"want: $want" "got:  $got"
	fi
	expect_eq "$name: verdict" "$(verdict_of "$name")" \
		"$(jq -r .trend.verdict "$TMP/$name.json")"
	# Text output: the same verdict and reason, exit 0 either way.
	$HEAPLENS gctrace "$log" >"$TMP/$name.txt" 2>"$TMP/err"
	code=$?
	reason=$(jq -r .trend.reason "$TMP/$name.json")
	if [ $code = 0 ] && grep -qF "verdict:   $(verdict_of "$name"): $reason" "$TMP/$name.txt" &&
		grep -qE "^$(printf '%s' "$log" | sed 's/[.]/[.]/g'): [0-9]+ GC cycles over" "$TMP/$name.txt" &&
		grep -q '^live heap: [0-9]* -> [0-9]* MB (max [0-9]* MB)$' "$TMP/$name.txt" &&
		grep -q '^pauses: .*p50 .*p95 .*p99 .*max' "$TMP/$name.txt"; then
		ok "$name: text output, exit 0"
	else
		not_ok "$name: text output, exit 0" "exit $code" "$(cat "$TMP/$name.txt" "$TMP/err")"
	fi
done

# The live heap each growing sample is known for (samples/README.md).
for pair in cacheleak:2:42 bodyleak:3:7 tickerleak:1:20; do
	IFS=: read -r name first last <<<"$pair"
	expect_match "$name: reason names $first -> $last MB" \
		"^live heap grew from $first to $last MB over [0-9.]+ s: \+[0-9]+ MB/min, R² 0\.[0-9]+ over [0-9]+ cycles$" \
		"$(jq -r .trend.reason "$TMP/$name.json")"
done
expect_match "escapes: flat after warm-up" "flat at 8 MB" \
	"$(jq -r .trend.reason "$TMP/escapes.json")"

# Standard input gives the same document.
$HEAPLENS gctrace --json - <"$art/cacheleak/gctrace.log" >"$TMP/stdin.json"
expect_eq "standard input gives what the file gives" "" \
	"$(diff "$TMP/stdin.json" "$TMP/cacheleak.json")"

# Interleaved program output, a cut last line, scvg and pacer lines.
{
	echo "listening on :8080"
	printf 'request done'
	head -n 12 "$art/cacheleak/gctrace.log"
	echo "scvg: 0 MB released"
	echo "pacer: assist ratio=+1.0e+000 (scan 0 MB in 3->4 MB) workers=1++0.0"
	echo "gc 13 @0.994s 0%: garbage"
	head -n 13 "$art/cacheleak/gctrace.log" | tail -n 1 | head -c 60
} >"$TMP/mixed.log"
$HEAPLENS gctrace --json "$TMP/mixed.log" >"$TMP/mixed.json"
expect_eq "mixed output: 12 cycles, 1 skipped, exit 0" "0 12 1" \
	"$? $(jq -r '"\(.cycles) \(.skipped)"' "$TMP/mixed.json")"
$HEAPLENS gctrace "$TMP/mixed.log" >"$TMP/mixed.txt"
expect_match "text output counts the malformed line" "^skipped: 1 malformed gc line$" \
	"$(cat "$TMP/mixed.txt")"

# Bad input: exit 2, the file and the reason on stderr, nothing on stdout.
bad() {
	local name=$1 want=$2
	shift 2
	$HEAPLENS gctrace "$@" >"$TMP/out" 2>"$TMP/err"
	local code=$?
	if [ $code = 2 ] && grep -qE -- "$want" "$TMP/err" && [ ! -s "$TMP/out" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $code" "stderr: $(cat "$TMP/err")" "stdout: $(head -c 300 "$TMP/out")"
	fi
}
bad "a missing file" "$TMP/none.log: No such file" "$TMP/none.log"
printf 'hello\nworld\n' >"$TMP/notes.txt"
bad "a file with no gc line" "notes\.txt: no GODEBUG=gctrace=1 lines" "$TMP/notes.txt"
: >"$TMP/empty.log"
bad "an empty file" "empty\.log: no GODEBUG=gctrace=1 lines" "$TMP/empty.log"
bad "an empty standard input" "<stdin>: no GODEBUG=gctrace=1 lines" - </dev/null
bad "a directory" "artefacts: not a regular file" "$art"
bad "a missing LOG" "missing LOG"
bad "two LOGs" "one LOG at a time" "$art/escapes/gctrace.log" "$art/service/gctrace.log"
bad "an unknown option" "unknown option '--top'" --top 5 "$art/escapes/gctrace.log"

# --help: what it says is what the command does.
$HEAPLENS gctrace --help >"$TMP/help"
code=$?
if [ $code = 0 ] && grep -q '^usage: heaplens gctrace LOG \[--json\]' "$TMP/help" &&
	grep -q -- '--json' "$TMP/help" && grep -q 'exit' "$TMP/help"; then
	ok "--help"
else
	not_ok "--help" "exit $code" "$(cat "$TMP/help")"
fi
expect_match "heaplens --help lists gctrace" "heaplens gctrace LOG \[--json\]" \
	"$($HEAPLENS --help)"

finish

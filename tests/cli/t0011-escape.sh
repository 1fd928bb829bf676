#!/usr/bin/env bash
# heaplens escape: on every sample the -m=2 text and the -json directory
# give the same sites (escape, moved, leak) with the same explanations;
# the counts match the compiler's own lines; live `go build -gcflags=-m`
# output read from standard input agrees too; costs joined from a profile
# are what `heaplens lines` says of the same line; --hot, --annotations
# and --json do what --help says; bad input exits 2 naming the file.
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "# jq is not installed: skipping"
	finish
	exit
fi

cd "$TOP/samples" || exit 2
art=artefacts

# sites ARGS...: the escape sites heaplens prints, sorted.
sites() {
	$HEAPLENS escape "$@" 2>"$TMP/err" | LC_ALL=C sort
}

for dir in "$art"/*/; do
	name=$(basename "$dir")
	m2=$dir/escape-m2.txt
	[ -f "$m2" ] || continue
	sites "$m2" >"$TMP/text"
	sites "$dir/escape-json" >"$TMP/json"
	if [ -s "$TMP/text" ] && cmp -s "$TMP/text" "$TMP/json"; then
		ok "$name: -m=2 and -json give the same $(wc -l <"$TMP/text") sites"
	else
		not_ok "$name: -m=2 and -json give the same sites" \
			"$(diff "$TMP/text" "$TMP/json" | head -20)" "$(cat "$TMP/err")"
	fi
	# The explanations agree step by step, "from" steps with their
	# positions (a "flow:" header's position is the next step's, which
	# the text form only has when there is one).
	$HEAPLENS escape --flow "$m2" | grep -v $'^\t[^\t]*: flow: ' >"$TMP/tflow"
	$HEAPLENS escape --flow "$dir/escape-json" | grep -v $'^\t[^\t]*: flow: ' >"$TMP/jflow"
	if cmp -s "$TMP/tflow" "$TMP/jflow" && grep -q $'^\t.*: from ' "$TMP/tflow"; then
		ok "$name: the explanations agree ($(grep -c $'^\t' "$TMP/tflow") steps)"
	else
		not_ok "$name: the explanations agree" \
			"$(diff "$TMP/tflow" "$TMP/jflow" | head -20)"
	fi
	# Against the compiler's own summary lines, counted here.
	want_moved=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: moved to heap: ' "$m2")
	want_leak=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: leaking param' "$m2" | sort -u | wc -l)
	# Escapes: the summary lines, and the explanations Go 1.19 gives
	# no summary (the closures wrapping go and defer calls).
	want_escape=$(awk '
		match($0, /^[^ ]+:[0-9]+:[0-9]+: /) {
			pos = substr($0, 1, RLENGTH - 2)
			text = substr($0, RLENGTH + 1)
			if (text ~ / escapes to heap$/) {
				esc[pos " " text] = 1
				sum[pos " " substr(text, 1, length(text) - 16)] = 1
			} else if (text ~ /^moved to heap: /) {
				sum[pos " " substr(text, 16)] = 1
			} else if (text ~ / escapes to heap:$/) {
				hdr[pos " " substr(text, 1, length(text) - 17)] = 1
			}
		}
		END {
			n = 0
			for (k in esc) n++
			for (k in hdr) if (!(k in sum)) n++
			print n
		}' "$m2")
	expect_eq "$name: moved/leak/escape counts are the compiler's" \
		"$want_moved $want_leak $want_escape" \
		"$(grep -c '\[moved\]$' "$TMP/text") $(grep -c '\[leak\]$' "$TMP/text") $(grep -c '\[escape\]$' "$TMP/text")"
done

# What samples/README.md says of the escapes sample.
sites "$art/escapes/escape-m2.txt" >"$TMP/esc"
for want in \
	'escapes/main.go:34:2: moved to heap: e [moved]' \
	'escapes/main.go:72:6: moved to heap: h [moved]' \
	'escapes/main.go:121:17: moved to heap: e [moved]' \
	'escapes/main.go:33:15: leaking param content: r [leak]' \
	'escapes/main.go:33:27: leaking param: when [leak]' \
	'escapes/main.go:93:23: leaking param: e [leak]' \
	'escapes/sanitize.go:6:13: leaking param: line to result ~r0 level=0 [leak]' \
	'escapes/main.go:73:12: func literal escapes to heap [escape]' \
	'escapes/main.go:82:51: h.n escapes to heap [escape]' \
	'escapes/main.go:135:86: last escapes to heap [escape]'; do
	if grep -qxF "$want" "$TMP/esc"; then
		ok "escapes: $want"
	else
		not_ok "escapes: $want" "$(head -c 2000 "$TMP/esc")"
	fi
done
expect_eq "escapes: sites do not escape in 'does not escape' lines" "" \
	"$(grep 'does not escape' "$TMP/esc")"

# Live compiler output on standard input (-m, no explanations) names the
# same sites as the committed -m=2 file.
if command -v go >/dev/null 2>&1; then
	GOFLAGS= GOPROXY=off GOWORK=off GOCACHE=$TMP/gocache CGO_ENABLED=0 \
		go build -o /dev/null -gcflags=-m ./escapes 2>"$TMP/live.txt"
	sites - <"$TMP/live.txt" >"$TMP/live"
	if [ -s "$TMP/live" ] && cmp -s "$TMP/live" "$TMP/esc"; then
		ok "live go build -gcflags=-m on stdin: the same $(wc -l <"$TMP/live") sites"
	else
		not_ok "live go build -gcflags=-m on stdin: the same sites" \
			"$(diff "$TMP/esc" "$TMP/live" | head -20)" "$(cat "$TMP/err")"
	fi
else
	ok "live go build -gcflags=-m # skip go is not installed"
fi

# Costs: each site's cost is the sum of `heaplens lines` at its line.
prof=$art/escapes/allocs.pb.gz
$HEAPLENS escape --json --profile "$prof" "$art/escapes/escape-json" >"$TMP/cost.json"
$HEAPLENS lines --json "$prof" --sample-index alloc_space >"$TMP/lines.json"
jq -r '.sites[] | select(.cost != null) | "\(.source):\(.line) \(.cost.flat) \(.cost.total)"' \
	"$TMP/cost.json" | sort -u >"$TMP/got"
jq -r --slurpfile s "$TMP/cost.json" '
	.total as $t
	| [.lines[] | select(.source != null) | {k: "\(.source):\(.line)", flat}]
	| group_by(.k) | map({key: .[0].k, value: (map(.flat) | add)}) | from_entries
	| . as $by
	| [$s[0].sites[] | select(.kind == "escape" or .kind == "moved" or .kind == "leak")
	   | "\(.source):\(.line)" | select($by[.] != null) | "\(.) \($by[.]) \($t)"]
	| unique[]' "$TMP/lines.json" >"$TMP/want"
if [ -s "$TMP/want" ] && cmp -s "$TMP/got" "$TMP/want"; then
	ok "costs at $(wc -l <"$TMP/got") site lines are heaplens lines' flat"
else
	not_ok "costs are heaplens lines' flat" "$(diff "$TMP/want" "$TMP/got" | head)"
fi
out=$($HEAPLENS escape --profile "$prof" "$art/escapes/escape-json")
expect_match "text shows the cost of moved e" \
	'escapes/main\.go:34:2: moved to heap: e — 44\.0 MB \(16\.4%\) allocated here \[moved\]' "$out"
expect_match "and of h, 32.8%" \
	'escapes/main\.go:72:6: moved to heap: h — 87\.9 MB \(32\.8%\) allocated here \[moved\]' "$out"
out=$($HEAPLENS escape --profile "$prof" --hot 10 "$art/escapes/escape-json" | cut -d: -f1,2 | sort -u | tr '\n' ' ')
expect_eq "--hot 10 keeps the sites of lines at 10% or more" \
	"escapes/main.go:34 escapes/main.go:72 " "$out"
out=$($HEAPLENS escape --profile "$art/escapes/heap.pb.gz" --sample-index inuse_space "$art/escapes/escape-json" | grep ':34:2:')
expect_match "--sample-index inuse_space says in use" 'moved to heap: e — .* in use here' "$out"

# Annotations.
out=$($HEAPLENS escape --annotations inline "$art/escapes/escape-json")
expect_match "--annotations inline shows inlining" \
	'escapes/main\.go:33:6: can inline \(cost 15\) \[canInlineFunction\]' "$out"
expect_eq "--annotations inline hides escapes" "" "$(printf '%s\n' "$out" | grep -E '\[(escape|moved|leak)\]$')"
out=$($HEAPLENS escape --annotations bounds,nil "$art/escapes/escape-json" | grep -oE '\[[a-zA-Z]+\]$' | sort -u | tr '\n' ' ')
expect_eq "--annotations bounds,nil" "[isInBounds] [isSliceInBounds] [nilcheck] " "$out"
$HEAPLENS escape --annotations heap "$art/escapes/escape-json" >/dev/null 2>"$TMP/err"
expect_eq "--annotations heap is a usage error" "2 yes" \
	"$? $(grep -q "escape, inline, bounds, nil, other or all, not 'heap'" "$TMP/err" && echo yes)"

# JSON shape.
jq -e '.inputs[0].format == "json" and .inputs[0].package == "main"
	and (.sites | length) > 0
	and all(.sites[]; has("file") and has("line") and has("col") and has("kind")
		and has("message") and has("flow") and has("source"))
	and (.sites[] | select(.line == 34 and .col == 2) | .flow[0].message) == "flow: ~r0 = &e:"' \
	"$TMP/cost.json" >/dev/null
expect_eq "--json has inputs and sites with their flow" 0 $?

# Bad input: exit 2, the file and the reason on stderr.
bad() {
	local name=$1 want=$2
	shift 2
	$HEAPLENS escape "$@" >"$TMP/out" 2>"$TMP/err"
	local code=$?
	if [ $code = 2 ] && grep -qE -- "$want" "$TMP/err" && [ ! -s "$TMP/out" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $code" "stderr: $(cat "$TMP/err")" "stdout: $(head -c 300 "$TMP/out")"
	fi
}
bad "a missing file" "$TMP/none.txt" "$TMP/none.txt"
mkdir "$TMP/empty"
bad "an empty -json directory" "$TMP/empty.*no \.json" "$TMP/empty"
head -n 3 "$art/escapes/escape-json/main/main.json" >"$TMP/broken.json"
printf '{"range": {"start": {"line": 3, "character"\n' >>"$TMP/broken.json"
bad "a malformed JSON line names file and line" "broken\.json:4" "$TMP/broken.json"
head -c 700 "$art/escapes/escape-json/main/main.json" >"$TMP/cut.json"
bad "a truncated file" "cut\.json:[0-9]+: .*truncated" "$TMP/cut.json"
printf 'hello\nworld\n' >"$TMP/notes.txt"
bad "text that is not compiler output" "notes\.txt: no compiler diagnostics" "$TMP/notes.txt"
bad "a missing INPUT" "missing INPUT"
bad "--hot without --profile" "--hot needs --profile" --hot 5 "$art/escapes/escape-m2.txt"
head -n 1 "$art/escapes/escape-json/main/main.json" >"$TMP/header.json"
out=$($HEAPLENS escape "$TMP/header.json")
expect_eq "a header-only file has no sites and is fine" "0 " "$? $out"
: >"$TMP/empty.txt"
out=$($HEAPLENS escape "$TMP/empty.txt")
expect_eq "an empty text file has no sites and is fine" "0 " "$? $out"

finish

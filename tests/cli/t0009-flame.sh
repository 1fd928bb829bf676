#!/usr/bin/env bash
# heaplens flame: on every sample profile and every sample type the tree
# agrees with `go tool pprof -top` function by function (flat(F) is the
# sum of self over the nodes named F, cum(F) the sum of value over the
# nodes named F with no ancestor named F), with -focus and -diff_base too;
# the root, --folded and the text tree add up; errors exit 2 naming the
# file; a deep recursive profile and broken files do not crash it.
# SAMPLES_DIR picks another artefacts directory.
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "# jq is not installed: skipping"
	finish
	exit
fi

# re TEXT: TEXT quoted for an extended regex (and for pprof's -focus).
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# pprof_top PROFILE INDEX [pprof options]: "function flat cum" per function.
pprof_top() {
	local p=$1 idx=$2 unit=()
	shift 2
	case "$($HEAPLENS flame --json --sample-index "$idx" "$p" | jq -r .unit)" in
	bytes) unit=(-unit=B) ;;
	nanoseconds) unit=(-unit=ns) ;;
	esac
	go tool pprof -top -nodefraction=0 -nodecount=100000000 "${unit[@]}" \
		"$@" -sample_index="$idx" "$p" 2>/dev/null >"$TMP/pprof.out"
	awk 'f { sub(/ \((partial-)?inline\)$/, ""); flat = $1; cum = $4;
			sub(/(B|ns)$/, "", flat); sub(/(B|ns)$/, "", cum);
			$1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, "");
			if (flat != 0 || cum != 0) print $0, flat, cum }
		/^ *flat  *flat%/ { f = 1 }' "$TMP/pprof.out" | sort
}

# pprof_total: pprof's "of N total" from the last pprof_top.
pprof_total() {
	sed -n 's/.* of \(-\{0,1\}[0-9][0-9]*\)\(B\|ns\)\{0,1\} total.*/\1/p' "$TMP/pprof.out"
}

# pprof_shown: pprof's "accounting for N" from the last pprof_top.
pprof_shown() {
	sed -n 's/.*accounting for \(-\{0,1\}[0-9][0-9]*\)\(B\|ns\)\{0,1\}, .*/\1/p' "$TMP/pprof.out"
}

# The same per function from a --json tree on stdin.
tree_top='
def visit(anc): .name as $n
	| [$n, .self, (if (anc | index([$n])) == null then .value else 0 end)],
	  (.children[] | visit(anc + [$n]));
[.root.children[] | visit([])] | group_by(.[0])[]
| [.[0][0], (map(.[1]) | add), (map(.[2]) | add)]
| select(.[1] != 0 or .[2] != 0) | "\(.[0]) \(.[1]) \(.[2])"'

# compare NAME PROFILE INDEX [heaplens options -- pprof options]: the
# per-function flat and cum agree; the tree's total is pprof's, and its
# root what pprof shows.
compare() {
	local name=$1 p=$2 idx=$3 ours=() theirs=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ours+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	theirs=("$@")
	pprof_top "$p" "$idx" "${theirs[@]}" >"$TMP/want"
	$HEAPLENS flame --json "${ours[@]}" --sample-index "$idx" "$p" >"$TMP/tree.json"
	jq -r "$tree_top" "$TMP/tree.json" | sort >"$TMP/got"
	if [ ! -s "$TMP/want" ]; then
		not_ok "$name" "go tool pprof printed no functions"
	elif diff "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		ok "$name ($(wc -l <"$TMP/want") functions)"
	else
		not_ok "$name" "< go tool pprof -top, > heaplens flame:" "$(head -n 20 "$TMP/diff")"
	fi
	expect_eq "$name: total is pprof's" "$(pprof_total)" "$(jq .total "$TMP/tree.json")"
	expect_eq "$name: the root is what pprof shows" "$(pprof_shown)" \
		"$(jq .root.value "$TMP/tree.json")"
}

if command -v go >/dev/null; then
	profiles=$(find "${SAMPLES_DIR:-$TOP/samples/artefacts}" -name '*.pb.gz' 2>/dev/null | sort)
else
	echo "# go is not installed: skipping the comparison with go tool pprof"
	profiles=
fi
for p in $profiles; do
	rel=${p#"$TOP/"}
	for idx in $($HEAPLENS flame --json "$p" >/dev/null 2>&1 &&
		go tool pprof -raw "$p" 2>/dev/null | sed -n '/^Samples:/{n;p;q}' |
		tr ' ' '\n' | sed -n 's|^\([a-z_]*\)/.*|\1|p'); do
		compare "$rel $idx" "$p" "$idx"
		# The folded stacks add up to the root.
		expect_eq "$rel $idx: --folded adds up to the root" \
			"$(jq .root.value "$TMP/tree.json")" \
			"$($HEAPLENS flame --folded --sample-index "$idx" "$p" |
				awk '{ s += $NF } END { printf "%.0f", s }')"
	done
	# Focus on the function that spends most itself (the default type).
	top=$($HEAPLENS flame --json "$p" | jq -r "$tree_top" |
		sort -k2,2nr -k1,1 | awk '$1 != "<unknown>" { print $1; exit }')
	idx=$($HEAPLENS flame --json "$p" | jq -r .sample_index)
	[ -n "$top" ] && compare "$rel $idx --focus $top" "$p" "$idx" \
		--focus "$top" -- -focus="$(re "$top")"
	case "$p" in
	*/heap.pb.gz)
		b=${p%/heap.pb.gz}/heap-base.pb.gz
		if [ -f "$b" ]; then
			compare "$rel inuse_space --base" "$p" inuse_space \
				--base "$b" -- -diff_base="$b"
			compare "$rel alloc_objects --base" "$p" alloc_objects \
				--base "$b" -- -diff_base="$b"
		fi
		;;
	esac
done

# The rest needs one real profile: the escapes sample's allocations.
real=$TOP/samples/artefacts/escapes/allocs.pb.gz
if [ ! -f "$real" ]; then
	echo "# no samples/artefacts/escapes/allocs.pb.gz: skipping the rest"
	finish
	exit
fi

# The tree's shape: children sorted, values adding up, lines resolved.
$HEAPLENS flame --json "$real" >"$TMP/tree.json"
expect_eq "children sorted by value, then name" "true" "$(jq '
	[.. | objects | select(has("children")) | .children
	 | [.[] | [-.value, .name]] | . == sort] | all' "$TMP/tree.json")"
expect_eq "a node is worth its self and its children" "true" "$(jq '
	[.. | objects | select(has("children"))
	 | .value == .self + ([.children[].value] | add // 0)] | all' "$TMP/tree.json")"
expect_eq "main.latencyTracker's hottest line resolves to main.go:72" \
	"$TOP/samples/escapes/main.go:72 true" \
	"$(cd "$TOP" && $HEAPLENS flame --json "$real" | jq -r '
		[.. | objects | select(.name? == "main.latencyTracker")][0]
		| "\(.file):\(.line) \(.resolved)"')"
expect_eq "the root has no file, line or resolved" "false false false" \
	"$(jq -r '.root | "\(has("file")) \(has("line")) \(has("resolved"))"' "$TMP/tree.json")"
expect_eq "no node outside samples/ resolves" "[]" "$(cd "$TOP" &&
	$HEAPLENS flame --json "$real" | jq -c '[.. | objects
	| select(.resolved? == true) | .file
	| select(startswith("'"$TOP"'/samples/") | not)]')"
# Where the build machine had the sources: the profile's own path.
file=$(cd "$TMP" && $HEAPLENS flame --json "$real" | jq -r '[.. | objects
	| select(.name? == "main.redact")][0].file')
out=$(cd "$TMP" && $HEAPLENS flame --json --source-path "$TOP/samples" \
	--trim-path "${file%/escapes/sanitize.go}" "$real" | jq -r '[.. | objects
	| select(.name? == "main.redact")][0] | "\(.file) \(.resolved)"')
expect_eq "--trim-path and --source-path resolve as heaplens lines does" \
	"$TOP/samples/escapes/sanitize.go true" "$out"
expect_match "unresolved, a node keeps the profile's path" \
	'^/.*/escapes/sanitize\.go false$' "$(cd "$TMP" && $HEAPLENS flame --json "$real" |
	jq -r '[.. | objects | select(.name? == "main.redact")][0] | "\(.file) \(.resolved)"')"

# Folded: outermost first, the leaf's self last.
expect_match "--folded writes outer;...;leaf VALUE" \
	'^runtime\.main;main\.main;main\.latencyTracker 92229769$' \
	"$($HEAPLENS flame --folded "$real" | grep ';main\.latencyTracker ')"

# The text tree: the header, the root at 100%, nothing under 1% shown.
$HEAPLENS flame "$real" >"$TMP/text" 2>"$TMP/err"; status=$?
expect_eq "text: exit 0, nothing on stderr" "0 " "$status $(cat "$TMP/err")"
expect_match "text: the header names the profile, type and total" \
	"^$(re "$real"): alloc_space, total [0-9.]+ MB, [0-9]+ nodes$" "$(head -n 1 "$TMP/text")"
expect_match "text: the root is 100%" '^ +[0-9.]+ MB +100\.0% +0 B  root$' \
	"$(sed -n 3p "$TMP/text")"
expect_eq "text: no row under 1%" "" "$(awk 'NR > 2 && $3 ~ /%$/ && $3 + 0 < 1' "$TMP/text")"
expect_match "text: a node shows its file:line, indented under its caller" \
	'^ +[0-9.]+ MB +3[0-9]\.[0-9]% +[0-9.]+ MB {8}main\.latencyTracker  samples/escapes/main\.go:72$' \
	"$(cd "$TOP" && $HEAPLENS flame "$real" | grep latencyTracker)"
expect_match "text: says what it left out" '^\([0-9]+ nodes under 1% of the total not shown\)$' \
	"$(tail -n 1 "$TMP/text")"

# --html writes one page that loads nothing from elsewhere.
$HEAPLENS flame --html "$TMP/flame.html" "$real" >"$TMP/out" 2>"$TMP/err"; status=$?
expect_eq "--html: exit 0, quiet" "0 " "$status $(cat "$TMP/out" "$TMP/err")"
expect_match "--html: an HTML page" '<html' "$(head -c 4000 "$TMP/flame.html")"
expect_eq "--html: no external scripts, styles or fonts" "" \
	"$(grep -Eio '<(script|link|img)[^>]*(src|href) *= *["'"'"']?(https?:)?//[^>]*' "$TMP/flame.html")"
$HEAPLENS flame --html - "$real" >"$TMP/stdout.html"
expect_match "--html -: the page on stdout" '<html' "$(head -c 4000 "$TMP/stdout.html")"

# Errors: exit 2, nothing on stdout, the file and the reason on stderr.
expect_error() {
	local name=$1 reason=$2 status
	shift 2
	$HEAPLENS flame "$@" >"$TMP/out" 2>"$TMP/err"; status=$?
	expect_eq "$name: exit status 2" 2 "$status"
	expect_eq "$name: nothing on stdout" "" "$(cat "$TMP/out")"
	expect_match "$name: says why" "$reason" "$(head -c 2000 "$TMP/err")"
}
expect_error "missing file" "^heaplens: $(re "$TMP/missing.pb.gz"): No such file or directory\$" \
	"$TMP/missing.pb.gz"
expect_error "unknown --sample-index" \
	"^heaplens: $(re "$real"): no sample type \"bogus\" \\(it has alloc_objects, alloc_space, inuse_objects, inuse_space\\)\$" \
	--sample-index bogus "$real"
expect_error "missing --base" "^heaplens: $(re "$TMP/nobase.pb.gz"): No such file or directory\$" \
	--base "$TMP/nobase.pb.gz" "$real"
cpu=$TOP/samples/artefacts/escapes/cpu.pb.gz
[ -f "$cpu" ] && expect_error "a base without the sample type" \
	"^heaplens: $(re "$cpu"): no sample type \"alloc_space\"" --base "$cpu" "$real"
expect_error "unwritable --html" "^heaplens: /nonexistent/dir/f\\.html: No such file or directory\$" \
	--html /nonexistent/dir/f.html "$real"
expect_error "two output forms" "^heaplens: --folded, --json and --html are alternatives" \
	--folded --json "$real"
expect_error "no PROFILE" "^heaplens: missing PROFILE" --json
expect_error "--html without FILE" "^heaplens: missing value for '--html'" "$real" --html

# Hostile: a truncated profile is refused like heaplens lines refuses it.
size=$(wc -c <"$real")
head -c $((size / 2)) "$real" >"$TMP/trunc.pb.gz"
expect_error "truncated profile" \
	"^heaplens: $(re "$TMP/trunc.pb.gz"): not a valid pprof profile: truncated gzip data\$" \
	"$TMP/trunc.pb.gz"

# varint N: N as a protobuf varint, in printf's octal escapes.
varint() {
	local n=$1 out=
	while [ "$n" -ge 128 ]; do
		out="$out$(printf '\\%03o' $(((n & 127) | 128)))"
		n=$((n >> 7))
	done
	printf '%s\\%03o' "$out" "$n"
}

# A deep recursive profile: main.a and main.b calling each other DEPTH
# times (one sample of 100 bytes), and one sample main.a <- main.b (7).
deep_profile() {
	local depth=$1 locs stack
	locs=$(printf '\\001\\002%.0s' $(seq 1 $((depth / 2))))
	stack="\\012$(varint "$depth")$locs\\022\\001\\144"
	printf '\012\004\010\001\020\002'
	printf "\\022$(varint $(( $(printf "$stack" | wc -c) )))$stack"
	printf '\022\007\012\002\001\002\022\001\007'
	printf '\042\010\010\001\042\004\010\001\020\012'
	printf '\042\010\010\002\042\004\010\002\020\024'
	printf '\052\006\010\001\020\003\040\005'
	printf '\052\006\010\002\020\004\040\005'
	printf '\062\000\062\005space\062\005bytes\062\006main.a\062\006main.b\062\014/src/main.go'
}
deep_profile 100000 >"$TMP/deep.pb"
$HEAPLENS flame --json "$TMP/deep.pb" >"$TMP/deep.json" 2>"$TMP/err"; status=$?
expect_eq "deep recursion: exit 0, nothing on stderr" "0 " "$status $(cat "$TMP/err")"
# jq 1.6 parses 256 levels of nesting at most: read the deep tree streamed.
stream() {
	jq -c --stream "$@" "$TMP/deep.json"
}
expect_eq "deep recursion: total, root, and one stack cut" "107 107 1" \
	"$(stream 'select(length == 2 and (.[0] == ["total"] or
		.[0] == ["root", "value"] or .[0] == ["cut"])) | .[1]' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "deep recursion: cut at 256 frames" 256 \
	"$(stream -n '[inputs | select(.[0][-1] == "name") | .[0]
		| map(select(. == "children")) | length] | max')"
expect_eq "deep recursion: every frame a node of its own" "root main.b main.a main.b" \
	"$(stream 'select(length == 2 and .[0][-1] == "name" and (.[0] | length) <= 8) | .[1]' |
		tr -d '"' | tr '\n' ' ' | sed 's/ $//')"
$HEAPLENS flame --folded "$TMP/deep.pb" >"$TMP/deep.folded"; status=$?
expect_eq "deep recursion: --folded too" "0 107" \
	"$status $(awk '{ s += $NF } END { print s }' "$TMP/deep.folded")"
$HEAPLENS flame "$TMP/deep.pb" >"$TMP/deep.txt"; status=$?
expect_match "deep recursion: the text tree says it cut a stack" \
	"^0 \\(1 stacks cut at 256 frames" "$status $(tail -n 1 "$TMP/deep.txt")"
head -c $(($(wc -c <"$TMP/deep.pb") / 2)) "$TMP/deep.pb" >"$TMP/deep-trunc.pb"
expect_error "truncated deep profile" \
	"^heaplens: $(re "$TMP/deep-trunc.pb"): not a valid pprof profile: .+" "$TMP/deep-trunc.pb"

finish

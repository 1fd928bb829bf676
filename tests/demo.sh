#!/usr/bin/env bash
# make demo: run heaplens on the bundled samples and print, readably, what a
# user sees: the hottest lines of each program with their source text, what
# grew between two snapshots, and what an editor is told in an LSP session
# on samples/. Grows as analyzers land.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
HL=./heaplens
A=samples/artefacts

# hot PROFILE [--sample-index I] [--base B]: the top 3 workspace lines.
hot() {
	local profile=$1
	shift
	$HL lines --json --source-path samples "$@" "$profile" |
		jq -r '.total as $t | .unit as $u | .sample_index as $i |
			[.lines[] | select(.source != null and .flat > 0)][:3][] |
			[(.flat * 1000 / $t | floor / 10 | tostring) + "%", .flat, $u,
			 .source, .line, .function] | @tsv' |
	while IFS=$'\t' read -r pct flat unit src line fn; do
		rel=${src#"$TOP"/}
		text=$(sed -n "${line}p" "$src" | sed 's/^[[:space:]]*//' | cut -c1-60)
		printf '  %6s  %-28s %s\n' "$pct" "$rel:$line" "$text"
	done
}

echo "heaplens demo: what heaplens shows for the programs in samples/"
echo "(their profiles were written by the real Go runtime: see samples/README.md)"
for name in escapes cacheleak deferloop goroutineleak service; do
	echo
	echo "== $name"
	echo "  allocated (alloc_space, allocs.pb.gz):"
	hot "$A/$name/allocs.pb.gz" --sample-index alloc_space
	echo "  CPU (cpu.pb.gz):"
	hot "$A/$name/cpu.pb.gz" --sample-index cpu
	if [ -f "$A/$name/heap-base.pb.gz" ]; then
		echo "  grew in use since the earlier snapshot (heap.pb.gz --base heap-base.pb.gz):"
		hot "$A/$name/heap.pb.gz" --sample-index inuse_space --base "$A/$name/heap-base.pb.gz"
	fi
done

echo
echo "== Leak patterns in the source (heaplens check samples/)"
$HL check samples | sed 's/^/  /' || true

echo
echo "== The flame graph of escapes' allocations (heaplens flame)"
$HL flame samples/artefacts/escapes/allocs.pb.gz | sed 's/^/  /'
mkdir -p build/demo
if $HL flame --html build/demo/flame.html samples/artefacts/escapes/allocs.pb.gz; then
	echo "  and as a page to open in a browser: build/demo/flame.html"
fi

echo
echo "== What escapes to the heap, and what it costs (heaplens escape --profile)"
echo "  escapes: sites on lines at 5% or more of alloc_space, from the compiler's -json output"
$HL escape --profile $A/escapes/allocs.pb.gz --hot 5 $A/escapes/escape-json |
	sed "s|^$TOP/||; s/^/  /"
echo "  deferloop: the closure of each defer in the loop, with the explanation (-m=2 output)"
$HL escape --flow --profile $A/deferloop/heap.pb.gz --sample-index inuse_space \
	$A/deferloop/escape-m2.txt | grep -A2 '^samples/deferloop/main.go:40:' | sed 's/^/  /'

echo
echo "== Is the live heap growing? (heaplens gctrace, each sample's GODEBUG=gctrace=1 log)"
for name in bodyleak cacheleak cancelleak deferloop escapes goroutineleak service tickerleak; do
	$HL gctrace --json $A/$name/gctrace.log |
		jq -r --arg n "$name" '"  \($n | . + "              " | .[:14]) \(.trend.verdict | . + "  " | .[:8]) \(.trend.reason)"'
done

echo
echo "== Goroutines that pile up (heaplens goroutines --base, the dump half-way and at the end)"
for name in goroutineleak service; do
	$HL goroutines --top 1 --base $A/$name/goroutine-base.txt $A/$name/goroutine.txt |
		tail -n +2 | sed 's/^/  /'
done

# An LSP session on samples/, as an editor runs it.
ws=$(cd samples && pwd -P)
out=$(mktemp "${TMPDIR:-/tmp}/heaplens-demo.XXXXXX")
trap 'rm -f "$out"' EXIT
if ! build/rpc-run --print --var "WS=$ws" \
	--var-file "ESCAPES_GO=$ws/escapes/main.go" \
	--var-file "CACHE_GO=$ws/cacheleak/main.go" \
	tests/demo.rpc -- $HL >"$out" 2>&1; then
	cat "$out" >&2
	echo "heaplens demo: the LSP session failed" >&2
	exit 1
fi
msgs() { sed -n 's/^<-- //p' "$out"; }
echo
echo "== In the editor: an LSP session on samples/ (escapeHotOnly: escape sites on hot lines)"
msgs | jq -r 'select(.id == 1) | .result.serverInfo | "  server: \(.name) \(.version)"'
msgs | jq -r 'select(.id == 2) | .result |
	"  loaded: \([.inputs[] | select(.state == "loaded" and .kind == "profile")] | length) profiles, \([.inputs[] | select(.state == "loaded" and .kind == "escape")] | length) escape outputs (\([.inputs[] | select(.kind == "escape") | .sites] | add) sites), \([.inputs[] | select(.kind == "gctrace")] | length) GC traces, \([.inputs[] | select(.kind == "goroutines")] | length) goroutine dumps, \([.inputs[] | select(.state != "loaded")] | length) failed; showing \(.sampleIndex)"'
for pair in "3 escapes/main.go" "4 cacheleak/main.go"; do
	set -- $pair
	echo "  $2"
	msgs | jq -r --arg id "$1" 'select(.id == ($id | tonumber)) | .result[] |
		"    lens        line \(.range.start.line + 1): \(.command.title)"'
	# The file's diagnostics as last published: each publish replaces
	# the one before.
	msgs | jq -rs --arg f "$2" '[.[] | select(.method == "textDocument/publishDiagnostics" and (.params.uri | endswith($f)))] |
		last | .params.diagnostics[] | "    diagnostic  line \(.range.start.line + 1): [\(.code)] \(.message)"' | tail -n 20
done
echo
echo "session ended cleanly (shutdown, exit 0)."

#!/usr/bin/env bash
# The leak checks on tests/leakcheck/: every line annotated // want "ID" is
# flagged with that id, and no other line is flagged. Each check has at
# least 4 positive and 4 negative cases (functions without a want).
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 2

dir=tests/leakcheck
# The expected findings: file:line:id from the annotations.
grep -rn --include='*.go' -o '// want "[a-z-]*"' "$dir" |
	sed 's|^\([^:]*\):\([0-9]*\):// want "\(.*\)"$|\1:\2:\3|' | sort >"$TMP/want"
$HEAPLENS check --json "$dir" >"$TMP/out.json" 2>"$TMP/err"
status=$?
jq -r '.findings[] | "\(.file):\(.line):\(.check)"' "$TMP/out.json" | sort >"$TMP/got"

if [ "$status" = 1 ] && [ ! -s "$TMP/err" ]; then
	ok "heaplens check exits 1 on findings, with nothing on stderr"
else
	not_ok "heaplens check exits 1 on findings, with nothing on stderr" "status $status" "$(cat "$TMP/err")"
fi
for id in $($HEAPLENS check --enable nonexistent 2>&1 | sed -n 's/.*(checks: \(.*\))$/\1/p' | tr -d ','); do
	want=$(grep -c ":$id\$" "$TMP/want")
	missing=$(comm -23 "$TMP/want" "$TMP/got" | grep ":$id\$")
	extra=$(comm -13 "$TMP/want" "$TMP/got" | grep ":$id\$")
	if [ -z "$missing" ] && [ -z "$extra" ]; then
		ok "$id: the $want annotated lines and no others"
	else
		not_ok "$id: the annotated lines and no others" \
			"missed: ${missing:-none}" "false positives: ${extra:-none}"
	fi
	file=$dir/$(echo "$id" | tr - _).go
	pos=$want
	neg=$(grep -c '^// Negative' "$file" 2>/dev/null)
	if [ "$pos" -ge 4 ] && [ "${neg:-0}" -ge 4 ]; then
		ok "$id: $pos positive and $neg negative cases"
	else
		not_ok "$id: at least 4 positive and 4 negative cases" "$file: $pos positive, ${neg:-0} negative"
	fi
done

# Severity: ticker-not-stopped is a warning before go 1.23, a hint from it.
sev=$(jq -r '[.findings[] | select(.check == "ticker-not-stopped") |
	"\(.file | test("/go123/"))=\(.severity)"] | unique | join(" ")' "$TMP/out.json")
expect_eq "ticker-not-stopped: a hint under go 1.23, a warning under go 1.19" \
	"false=warning true=hint" "$sev"

# Every id of shared/LEAK-PATTERNS.md is a check, in its order, and no other.
catalogue="body-not-closed defer-before-err-check ticker-not-stopped tick-leak
after-in-loop lost-cancel defer-in-loop rows-not-closed file-not-closed
goroutine-blocked-send range-never-closed goroutine-no-exit wg-add-in-goroutine
context-growth-in-loop global-map-growth"
expect_eq "--list names the 15 checks of the catalogue, in its order" \
	"$(echo $catalogue)" "$($HEAPLENS check --list | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')"
$HEAPLENS check --list "$dir" >/dev/null 2>&1
expect_eq "--list takes no other argument" 2 "$?"

# Output format and options.
line=$($HEAPLENS check "$dir/defer_in_loop.go" | head -n 1)
expect_match "go vet style line" '^tests/leakcheck/defer_in_loop\.go:[0-9]+:[0-9]+: .* \[defer-in-loop\]$' "$line"
$HEAPLENS check --disable defer-in-loop "$dir/defer_in_loop.go" >"$TMP/out" 2>&1
expect_eq "--disable silences a check (exit 0, no output)" "0:" "$?:$(cat "$TMP/out")"
$HEAPLENS check --enable bogus "$dir" >/dev/null 2>"$TMP/err"
expect_eq "an unknown check id is a usage error" 2 "$?"
expect_match "and names the known ids" "unknown check 'bogus' \(checks: " "$(cat "$TMP/err")"
mkdir -p "$TMP/tree/vendor/x" "$TMP/tree/testdata" "$TMP/tree/.hidden" "$TMP/tree/pkg"
for d in vendor/x testdata .hidden pkg; do
	cp "$dir/defer_in_loop.go" "$TMP/tree/$d/"
done
n=$($HEAPLENS check --json "$TMP/tree" | jq '[.findings[].file] | unique | length')
expect_eq "directories: vendor/, testdata/ and hidden ones are skipped" 1 "$n"
$HEAPLENS check --jobs 1 --json "$dir" >"$TMP/one.json" 2>&1
$HEAPLENS check --jobs 4 --json "$dir" >"$TMP/four.json" 2>&1
expect_eq "--jobs: one thread and four give the same output, in the same order" "" "$(diff "$TMP/one.json" "$TMP/four.json")"
expect_eq "--jobs: and the default does too" "" "$(diff "$TMP/one.json" "$TMP/out.json")"
$HEAPLENS check --jobs 0 "$dir" >/dev/null 2>"$TMP/err"
expect_eq "--jobs 0 is a usage error" "2:--jobs wants a number from 1 to 64, not '0'" "$?:$(head -n 1 "$TMP/err" | sed 's/^heaplens: //')"
# A file named alone, from its own directory, still sees its package's
# other files: global-map-growth's cross-file cases come out the same.
want=$(grep -n '// want "global-map-growth"' "$dir/global_map_growth.go" | cut -d: -f1)
got=$(cd "$dir" && $HEAPLENS check --enable global-map-growth global_map_growth.go | cut -d: -f2)
expect_eq "a file checked alone reads its package's other files" "$want" "$got"
# A package file that does not parse as one (no package clause, as while
# it is being typed) must not crash the checks that read the package.
mkdir -p "$TMP/typing"
printf 'package p\n\nvar cache = map[string]int{}\n\nfunc f(k string) { cache[k] = 1 }\n' >"$TMP/typing/a.go"
printf 'func g() int { return len(cache) }\n' >"$TMP/typing/b.go"
$HEAPLENS check "$TMP/typing/a.go" >"$TMP/out" 2>&1
expect_eq "a package file without a package clause: checked, no crash" \
	"1:global-map-growth" "$?:$(grep -o 'global-map-growth' "$TMP/out")"
# A relative path finds the go.mod above it (go 1.23: a hint).
sev=$(cd "$dir/go123" && $HEAPLENS check --json --enable ticker-not-stopped . | jq -r '.findings[0].severity')
expect_eq "a relative path finds the go.mod above the current directory" hint "$sev"
# A file named twice, or reached twice, is checked once.
n1=$($HEAPLENS check "$dir/defer_in_loop.go" | wc -l)
n2=$($HEAPLENS check "$dir/defer_in_loop.go" "$dir/defer_in_loop.go" "./$dir/defer_in_loop.go" | wc -l)
expect_eq "a file named twice is checked once" "$n1" "$n2"
# A FIFO named *.go is refused, not waited on.
mkfifo "$TMP/fifo.go"
timeout 10 $HEAPLENS check "$TMP/fifo.go" >/dev/null 2>"$TMP/err"
expect_eq "a FIFO is an input error, not a hang" "2:heaplens: $TMP/fifo.go: not a regular file" "$?:$(cat "$TMP/err")"
$HEAPLENS check "$TMP/missing.go" >/dev/null 2>"$TMP/err"
expect_eq "a missing path is an input error" 2 "$?"
expect_match "naming the path" "missing.go: No such file or directory" "$(cat "$TMP/err")"

finish

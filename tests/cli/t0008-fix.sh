#!/usr/bin/env bash
# Quick fixes: heaplens check --fix on a copy of tests/leakcheck applies the
# fixes of body-not-closed, defer-before-err-check, ticker-not-stopped and
# lost-cancel; re-checking finds those findings gone and nothing new, and the
# fixed files are gofmt-clean Go that still compiles.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 2

fixable="body-not-closed defer-before-err-check ticker-not-stopped lost-cancel"
cp -r tests/leakcheck "$TMP/src"
$HEAPLENS check --json "$TMP/src" >"$TMP/before.json" 2>/dev/null
$HEAPLENS check --fix --json "$TMP/src" >"$TMP/fix.json" 2>"$TMP/fix.err"
status=$?
$HEAPLENS check --json "$TMP/src" >"$TMP/after.json" 2>/dev/null

# count FILE ID [FILTER]: findings of a check in a --json output.
count() {
	jq --arg id "$2" "[.findings[] | select(.check == \$id) ${3:+| select($3)}] | length" "$1"
}

expect_eq "--fix exits 1 while unfixable findings are left" 1 "$status"
expect_match "--fix says what it did on stderr" '^heaplens: fixed [0-9]+ of [0-9]+ findings in [0-9]+ files$' "$(cat "$TMP/fix.err")"
known=$($HEAPLENS check --enable nonexistent 2>&1 | sed -n 's/.*(checks: \(.*\))$/\1/p' | tr -d ',')
for id in $fixable; do
	case " $known " in
	*" $id "*) ;;
	*) ok "# skip: $id is not a check of this build (t0007 requires it)"; continue ;;
	esac
	before=$(count "$TMP/before.json" "$id")
	fixed=$(count "$TMP/fix.json" "$id" .fixed)
	after=$(count "$TMP/after.json" "$id")
	if [ "$fixed" -ge 4 ] && [ "$after" -eq $((before - fixed)) ]; then
		ok "$id: $fixed of $before findings fixed, and gone when checked again"
	else
		not_ok "$id: fixed findings are gone when checked again" \
			"before $before, fixed $fixed, after $after (want at least 4 fixed)"
	fi
	# Every fix offered goes in (none is refused, none overlaps here),
	# and its title says what it does.
	offered=$(count "$TMP/before.json" "$id" '.fix != null')
	expect_eq "$id: each of the $offered fixes offered is applied" "$offered" "$fixed"
	vague=$(count "$TMP/before.json" "$id" '.fix != null and (.fix | test("defer|Stop|cancel|Close") | not)')
	expect_eq "$id: fix titles name the remedy" 0 "$vague"
done
# Nothing else changed: the other checks find what they found before.
others=$(jq -r --arg f "$fixable" '[.findings[] | select(.check as $c | $f | split(" ") | index($c) | not)] | length' "$TMP/before.json")
left=$(jq -r --arg f "$fixable" '[.findings[] | select(.check as $c | $f | split(" ") | index($c) | not)] | length' "$TMP/after.json")
expect_eq "the fixes add and remove no other finding" "$others" "$left"
left() { jq -r '.findings[] | select(.fixed | not) | "\(.file):\(.line):\(.col):\(.check)"' "$1" | sort; }
expect_eq "--fix reports what is left, where it is in the fixed files" \
	"$(left "$TMP/after.json")" "$(left "$TMP/fix.json")"

# The fixed files parse, are formatted as gofmt formats them, and compile.
if command -v gofmt >/dev/null 2>&1 || [ -x /usr/lib/go-1.19/bin/gofmt ]; then
	GOFMT=$(command -v gofmt || echo /usr/lib/go-1.19/bin/gofmt)
	changed=$(diff -rq tests/leakcheck "$TMP/src" | sed -n 's/^Files .* and \(.*\) differ$/\1/p')
	bad=$(for f in $changed; do "$GOFMT" -l "$f" 2>&1; done)
	expect_eq "every fixed file is gofmt-clean" "" "$bad"
	if (cd "$TMP/src" && GOFLAGS=-mod=mod go build ./... >"$TMP/build" 2>&1); then
		ok "the fixed packages still compile"
	else
		not_ok "the fixed packages still compile" "$(head -20 "$TMP/build")"
	fi
else
	ok "# skip: gofmt is not installed"
fi

# Fixing again finds nothing more to fix, and leaves the files alone.
cp -r "$TMP/src" "$TMP/again"
$HEAPLENS check --fix "$TMP/src" >/dev/null 2>"$TMP/again.err"
expect_match "a second --fix has nothing to fix" '^heaplens: fixed 0 of' "$(cat "$TMP/again.err")"
expect_eq "and changes no file" "" "$(diff -r "$TMP/again" "$TMP/src")"

# A CRLF file stays CRLF: the inserted lines end as the file's do.
mkdir -p "$TMP/crlf"
sed 's/$/\r/' tests/leakcheck/body_not_closed.go >"$TMP/crlf/body.go"
$HEAPLENS check --fix --enable body-not-closed,defer-before-err-check,ticker-not-stopped,lost-cancel "$TMP/crlf" >/dev/null 2>"$TMP/crlf.err"
bare=$(grep -c $'[^\r]$' "$TMP/crlf/body.go")
expect_match "a CRLF file is fixed" '^heaplens: fixed [1-9][0-9]* of' "$(cat "$TMP/crlf.err")"
expect_eq "and every line of it still ends in CRLF" 0 "$bare"

# A fixed file that cannot be written is an error naming it; the file stays.
mkdir -p "$TMP/ro" "$TMP/ro/lost_cancel.go.heaplens-fix"
cp tests/leakcheck/lost_cancel.go "$TMP/ro/"
$HEAPLENS check --fix "$TMP/ro/lost_cancel.go" >/dev/null 2>"$TMP/ro.err"
expect_eq "a fixed file that cannot be written is an input error" 2 "$?"
expect_match "naming the file" "lost_cancel.go.heaplens-fix: " "$(cat "$TMP/ro.err")"
expect_eq "and the file is left as it was" "" "$(diff tests/leakcheck/lost_cancel.go "$TMP/ro/lost_cancel.go")"

finish

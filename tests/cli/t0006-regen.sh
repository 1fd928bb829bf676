#!/usr/bin/env bash
# samples/regen reproduces the whole artefact set with the Go toolchain
# installed here, and heaplens reads what the current toolchain writes: the
# same files as the committed set, every profile readable and agreeing with
# go tool pprof.
. "$(dirname "$0")/lib.sh"

if ! command -v go >/dev/null; then
	echo "# go is not installed: skipping the regeneration"
	finish
	exit
fi
out="$TMP/artefacts"
if "$TOP/samples/regen" "$out" >"$TMP/regen.log" 2>&1; then
	ok "samples/regen ran ($(tail -n 1 "$TMP/regen.log"))"
else
	not_ok "samples/regen ran" "$(tail -n 20 "$TMP/regen.log")"
	finish
	exit
fi

# The same files as the committed set (JSON file names aside: one per source).
list() { (cd "$1" && find . -type f ! -path '*/escape-json/*' | sort); }
expect_eq "regen writes the committed set of files" "$(list "$TOP/samples/artefacts")" "$(list "$out")"
for d in "$TOP"/samples/artefacts/*/; do
	name=$(basename "$d")
	n=$(find "$out/$name/escape-json" -name '*.json' 2>/dev/null | wc -l)
	if [ "$n" -gt 0 ]; then
		ok "$name: escape-json holds $n compiler JSON files"
	else
		not_ok "$name: escape-json holds compiler JSON files"
	fi
done

# Every regenerated profile: heaplens reads it and agrees with pprof.
SAMPLES_DIR=$out bash "$TOP/tests/cli/t0004-lines-vs-pprof.sh" >"$TMP/t0004.out" 2>&1
status=$?
if [ "$status" = 0 ]; then
	ok "heaplens lines agrees with go tool pprof on the regenerated profiles ($(tail -n 1 "$TMP/t0004.out"))"
else
	not_ok "heaplens lines agrees with go tool pprof on the regenerated profiles" "$(grep -A8 '^not ok' "$TMP/t0004.out" | head -40)"
fi

finish

#!/usr/bin/env bash
# heaplens lines agrees with `go tool pprof -lines -top` on every line of
# every sample profile, for every sample type (when go is installed), and
# with -diff_base on the base/later pairs. SAMPLES_DIR picks another
# artefacts directory (t0006 passes a fresh regeneration).
. "$(dirname "$0")/lib.sh"

if ! command -v go >/dev/null; then
	echo "# go is not installed: skipping the comparison with go tool pprof"
	finish
	exit
fi
profiles=$(find "${SAMPLES_DIR:-$TOP/samples/artefacts}" -name '*.pb.gz' 2>/dev/null | sort)
profiles="$profiles ${HEAPLENS_EXTRA_PROFILES:-}"

# pprof_lines PROFILE INDEX [BASE]: "function file:line flat cum" per line.
pprof_lines() {
	local unit=() base=()
	case "$($HEAPLENS lines --json --sample-index "$2" "$1" | jq -r .unit)" in
	bytes) unit=(-unit=B) ;;
	nanoseconds) unit=(-unit=ns) ;;
	esac
	[ -n "${3:-}" ] && base=(-diff_base="$3")
	go tool pprof -lines -top -nodefraction=0 -nodecount=100000000 \
		"${unit[@]}" "${base[@]}" -sample_index="$2" "$1" 2>/dev/null |
		awk 'f { sub(/ \((partial-)?inline\)$/, ""); flat = $1; cum = $4;
			sub(/(B|ns)$/, "", flat); sub(/(B|ns)$/, "", cum);
			$1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, "");
			print $0, flat, cum }
		/^ *flat  *flat%/ { f = 1 }' | sort
}

# heaplens_lines PROFILE INDEX [BASE]: the same from heaplens lines --json.
heaplens_lines() {
	local base=()
	[ -n "${3:-}" ] && base=(--base "$3")
	$HEAPLENS lines --json "${base[@]}" --sample-index "$2" "$1" |
		jq -r '.lines[] | "\(if .function == "" then "<unknown>" else .function end) \(.file):\(.line) \(.flat) \(.cum)"' | sort
}

compare() {
	local name=$1 p=$2 idx=$3 base=${4:-}
	pprof_lines "$p" "$idx" "$base" >"$TMP/want"
	heaplens_lines "$p" "$idx" "$base" >"$TMP/got"
	if [ ! -s "$TMP/want" ]; then
		not_ok "$name" "go tool pprof printed no lines"
	elif diff "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		ok "$name ($(wc -l <"$TMP/want") lines)"
	else
		not_ok "$name" "< go tool pprof, > heaplens lines:" "$(head -n 20 "$TMP/diff")"
	fi
}

for p in $profiles; do
	rel=${p#"$TOP/"}
	for idx in $($HEAPLENS lines --json "$p" >/dev/null 2>&1 &&
		go tool pprof -raw "$p" 2>/dev/null | sed -n '/^Samples:/{n;p;q}' |
		tr ' ' '\n' | sed -n 's|^\([a-z_]*\)/.*|\1|p'); do
		compare "$rel $idx" "$p" "$idx"
	done
	case "$p" in
	*/heap.pb.gz)
		b=${p%/heap.pb.gz}/heap-base.pb.gz
		[ -f "$b" ] && compare "${rel} inuse_space -diff_base" "$p" inuse_space "$b"
		;;
	esac
done

finish

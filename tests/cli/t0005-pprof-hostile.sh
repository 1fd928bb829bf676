#!/usr/bin/env bash
# heaplens lines on files that are not profiles, or not whole ones: each is
# refused with exit status 2, nothing on stdout and one stderr line naming
# the file and the reason. Also: sample-index and --top errors, and a
# gunzipped profile reading as the gzip one does.
. "$(dirname "$0")/lib.sh"

# re TEXT: TEXT quoted for an extended regex.
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# expect_refused NAME FILE REASON [ARGS...]: `heaplens lines ARGS FILE`
# exits 2, prints nothing on stdout, and one line "heaplens: FILE: REASON"
# (REASON an extended regex) on stderr.
expect_refused() {
	local name=$1 file=$2 reason=$3 status
	shift 3
	$HEAPLENS lines "$@" "$file" >"$TMP/out" 2>"$TMP/err"; status=$?
	expect_eq "$name: exit status 2" 2 "$status"
	expect_eq "$name: nothing on stdout" "" "$(cat "$TMP/out")"
	expect_eq "$name: one line on stderr" 1 "$(wc -l <"$TMP/err")"
	expect_match "$name: names the file and the reason" \
		"^heaplens: $(re "$file"): $reason\$" "$(head -c 2000 "$TMP/err")"
}

# A real profile when the samples have one; else a tiny valid one: two
# sample types, main.alloc (line 10) called from main.main (line 20).
real=$(find "$TOP/samples/artefacts" -name '*.pb.gz' 2>/dev/null | sort | head -n 1)
printf '\012\004\010\001\020\002\012\004\010\003\020\004\022\010\012\002\001\002\022\002\001\144\022\007\012\001\002\022\002\002\062\042\013\010\001\030\200\040\042\004\010\001\020\012\042\013\010\002\030\200\100\042\004\010\002\020\024\052\012\010\001\020\005\030\005\040\006\050\010\052\012\010\002\020\007\030\007\040\006\050\022\062\000\062\007\163\141\155\160\154\145\163\062\005\143\157\165\156\164\062\005\163\160\141\143\145\062\005\142\171\164\145\163\062\012\155\141\151\156\056\141\154\154\157\143\062\014\057\163\162\143\057\155\141\151\156\056\147\157\062\011\155\141\151\156\056\155\141\151\156' >"$TMP/tiny.pb"
gzip -nc "$TMP/tiny.pb" >"$TMP/tiny.pb.gz"
if [ -n "$real" ]; then
	cp "$real" "$TMP/real.pb.gz"
else
	echo "# no profile under samples/artefacts: using a generated one"
	cp "$TMP/tiny.pb.gz" "$TMP/real.pb.gz"
fi
gzip -dc "$TMP/real.pb.gz" >"$TMP/real.pb"

# The generated profile itself reads as built.
out=$($HEAPLENS lines --json "$TMP/tiny.pb" 2>"$TMP/err"); status=$?
expect_eq "a tiny valid profile reads" "0 " "$status $(cat "$TMP/err")"
if command -v jq >/dev/null; then
	expect_eq "its lines and total are as built" \
		'space 150 [["main.alloc",10,100,100],["main.main",20,50,150]]' \
		"$(printf '%s' "$out" | jq -c '[.sample_index, .total, [.lines[] | [.function, .line, .flat, .cum]]] | "\(.[0]) \(.[1]) \(.[2] | tojson)"' -r)"
fi

# Plain and gzip read alike.
$HEAPLENS lines --json "$TMP/real.pb.gz" >"$TMP/gz.json" 2>"$TMP/err"
status=$?
$HEAPLENS lines --json "$TMP/real.pb" >"$TMP/plain.json" 2>>"$TMP/err"
expect_eq "the profile reads, gzip and plain" "0 " "$status $(cat "$TMP/err")"
if [ -s "$TMP/gz.json" ] && cmp -s "$TMP/gz.json" "$TMP/plain.json"; then
	ok "a gunzipped profile gives the same --json as the gzip one"
else
	not_ok "a gunzipped profile gives the same --json as the gzip one" \
		"$(diff "$TMP/gz.json" "$TMP/plain.json" | head -n 10)"
fi

# Broken files.
size=$(wc -c <"$TMP/real.pb.gz")
head -c $((size / 2)) "$TMP/real.pb.gz" >"$TMP/trunc.pb.gz"
expect_refused "truncated gzip" "$TMP/trunc.pb.gz" \
	"not a valid pprof profile: truncated gzip data"

# The CRC in the trailer, changed.
crc=$(tail -c 8 "$TMP/real.pb.gz" | head -c 4 | od -An -tx1 | tr -d ' \n')
new='\377\377\377\377'
[ "$crc" = ffffffff ] && new='\000\000\000\000'
{ head -c $((size - 8)) "$TMP/real.pb.gz"; printf "$new"; tail -c 4 "$TMP/real.pb.gz"; } >"$TMP/corrupt.pb.gz"
expect_refused "corrupt gzip" "$TMP/corrupt.pb.gz" \
	"not a valid pprof profile: corrupt gzip data: incorrect data check"

head -c $(($(wc -c <"$TMP/tiny.pb") - 3)) "$TMP/tiny.pb" >"$TMP/trunc.pb"
expect_refused "truncated plain profile" "$TMP/trunc.pb" \
	"not a valid pprof profile: .+"

printf 'this is not a profile, just some text\n' >"$TMP/garbage.pb.gz"
expect_refused "garbage" "$TMP/garbage.pb.gz" "not a valid pprof profile: .+"

head -c 4096 /dev/urandom >"$TMP/random.pb"
expect_refused "random bytes" "$TMP/random.pb" "not a valid pprof profile: .+"

: >"$TMP/empty.pb.gz"
expect_refused "empty file" "$TMP/empty.pb.gz" \
	"not a valid pprof profile: empty profile"

mkdir "$TMP/dir.pb.gz"
expect_refused "directory" "$TMP/dir.pb.gz" "not a regular file"

expect_refused "missing file" "$TMP/missing.pb.gz" "No such file or directory"

# Over the default limit of 256 MiB once inflated.
head -c 300000000 /dev/zero | gzip -1 >"$TMP/bomb.pb.gz"
expect_refused "300 MB of zeros" "$TMP/bomb.pb.gz" \
	"not a valid pprof profile: decompressed size exceeds the limit of 268435456 bytes \(maxProfileBytes\)"
rm -f "$TMP/bomb.pb.gz"

# A FIFO is not a regular file either, and must not hang the reader.
if mkfifo "$TMP/fifo.pb.gz" 2>/dev/null; then
	timeout 10 $HEAPLENS lines "$TMP/fifo.pb.gz" >"$TMP/out" 2>"$TMP/err"
	status=$?
	expect_eq "FIFO: exit status 2, not a hang" 2 "$status"
	expect_match "FIFO: not a regular file" \
		"^heaplens: $(re "$TMP/fifo.pb.gz"): not a regular file\$" \
		"$(cat "$TMP/err")"
fi

# Sample index and --top.
expect_refused "unknown --sample-index" "$TMP/tiny.pb" \
	'no sample type "bogus" \(it has samples, space\)' --sample-index bogus
expect_refused "--sample-index out of range" "$TMP/tiny.pb" \
	'no sample type "2" \(it has samples, space\)' --sample-index 2

for top in lots -1 3x "" " -1" 99999999999999999999999; do
	$HEAPLENS lines --top "$top" "$TMP/tiny.pb" >"$TMP/out" 2>"$TMP/err"
	status=$?
	expect_eq "--top '$top' is a usage error" 2 "$status"
	expect_eq "--top '$top': nothing on stdout" "" "$(cat "$TMP/out")"
	expect_eq "--top '$top' is explained" \
		"heaplens: --top wants a count, not '$top'" "$(head -n 1 "$TMP/err")"
	expect_match "--top '$top': usage follows" "^usage: heaplens lines PROFILE" \
		"$(sed -n 2p "$TMP/err")"
done
out=$($HEAPLENS lines --json --top 1 "$TMP/tiny.pb")
expect_eq "--top 1 keeps one line" 1 "$(printf '%s' "$out" | grep -c '"function"')"

finish

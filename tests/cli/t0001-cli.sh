#!/usr/bin/env bash
# The command line: --help and --version, usage errors with exit status 2,
# --log, and the man page agreeing with --help.
. "$(dirname "$0")/lib.sh"

out=$($HEAPLENS --version)
version=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
expect_eq "--version prints the Makefile's version" "heaplens $version" "$out"
expect_match "man page carries the same version" "\"heaplens $version\"" \
	"$(grep '^\.TH' "$TOP/docs/heaplens.1")"

out=$($HEAPLENS --help); status=$?
expect_eq "--help exits 0" 0 "$status"
expect_match "--help lists serve" "^  serve +run the language server" "$out"
expect_match "--help states the exit codes" "Exit status: 0 success, 1 findings reported, 2 usage or input error" "$out"

$HEAPLENS frobnicate >"$TMP/out" 2>"$TMP/err"; status=$?
expect_eq "unknown command exits 2" 2 "$status"
expect_eq "unknown command is named on stderr" \
	"heaplens: unknown command 'frobnicate' (see 'heaplens --help')" "$(cat "$TMP/err")"
expect_eq "nothing on stdout for a usage error" "" "$(cat "$TMP/out")"

$HEAPLENS serve --bogus 2>"$TMP/err" </dev/null; status=$?
expect_eq "unknown option exits 2" 2 "$status"
expect_match "unknown option names itself and the usage" \
	"^heaplens: unknown option '--bogus'$" "$(head -n 1 "$TMP/err")"
expect_match "usage follows" "^usage: heaplens serve \[--stdio" "$(sed -n 2p "$TMP/err")"

$HEAPLENS --listen 2>"$TMP/err" </dev/null; status=$?
expect_eq "--listen without a value exits 2" 2 "$status"
expect_match "--listen without a value is explained" "missing value for '--listen'" "$(cat "$TMP/err")"

$HEAPLENS --max-message lots 2>"$TMP/err" </dev/null; status=$?
expect_eq "bad --max-message exits 2" 2 "$status"
expect_match "bad --max-message is explained" "--max-message wants a byte count" "$(cat "$TMP/err")"

$HEAPLENS --listen nonsense 2>"$TMP/err" </dev/null; status=$?
expect_eq "bad --listen address exits 2" 2 "$status"
expect_match "bad --listen address is explained" "wants HOST:PORT or unix:PATH" "$(cat "$TMP/err")"

$HEAPLENS --log /nonexistent/dir/log 2>"$TMP/err" </dev/null; status=$?
expect_eq "unwritable --log exits 2" 2 "$status"
expect_match "unwritable --log names the file" "cannot open log file /nonexistent/dir/log" "$(cat "$TMP/err")"

$HEAPLENS </dev/null >"$TMP/out" 2>"$TMP/err"; status=$?
expect_eq "end of input at once exits 0" 0 "$status"
expect_eq "and says nothing" "" "$(cat "$TMP/out" "$TMP/err")"

# --log records the session.
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"clientInfo":{"name":"t0001"},"capabilities":{}}}'
printf 'Content-Length: %d\r\n\r\n%s' "${#init}" "$init" |
	$HEAPLENS --log "$TMP/log" >/dev/null 2>&1
expect_match "--log records the start" "heaplens info: heaplens $version starting on stdio" "$(cat "$TMP/log")"
expect_match "--log records the client" "stdio: initialized by t0001" "$(cat "$TMP/log")"
expect_match "--log lines are timestamped" "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} heaplens" "$(head -n 1 "$TMP/log")"

# The man page and --help document the same options, command by command.
for cmd in $($HEAPLENS --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	upper=$(echo "$cmd" | tr a-z A-Z)
	help_opts=$($HEAPLENS "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	man_opts=$(sed -n "/^\.SH OPTIONS FOR $upper\$/,/^\.SH /p" "$TOP/docs/heaplens.1" |
		sed 's/\\-/-/g' | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	expect_eq "$cmd --help and the man page list the same options" "$help_opts" "$man_opts"
done
global_man=$(sed 's/\\-/-/g' "$TOP/docs/heaplens.1" | grep -oE -- '--(help|version)' | sort -u | tr '\n' ' ')
expect_eq "the man page documents --help and --version" "--help --version " "$global_man"
for cmd in $($HEAPLENS --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	expect_match "man page documents command $cmd" "^\.B $cmd\$" "$(cat "$TOP/docs/heaplens.1")"
done

finish

#!/usr/bin/env bash
# Every escape site of every sample lands where the compiler put it: the
# server, given samples/ as its workspace (sources, profiles and both forms
# of escape output), publishes one `escape` diagnostic per site
# `heaplens escape` lists, at the compiler's line and at its byte column
# converted to UTF-16 here, independently, from the source text; and the
# ones on lines a profile charges carry their cost.
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "# jq is not installed: skipping"
	finish
	exit
fi

ws=$TMP/ws
mkdir -p "$ws"
cp -R "$TOP/samples/." "$ws/"
ws=$(cd "$ws" && pwd -P)

# One session: everything is published before the status answer, since
# loading happens while the server handles "initialized".
cat >"$TMP/session.rpc" <<RPC
%ignore window/logMessage
%ignore window/showMessage
%ignore textDocument/publishDiagnostics
%ignore heaplens/evidenceChanged
--> {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file://$ws","capabilities":{}}}
<-- {"jsonrpc":"2.0","id":1}
--> {"jsonrpc":"2.0","method":"initialized","params":{}}
--> {"jsonrpc":"2.0","id":2,"method":"heaplens/status"}
<-- {"jsonrpc":"2.0","id":2}
--> {"jsonrpc":"2.0","id":3,"method":"shutdown"}
<-- {"jsonrpc":"2.0","id":3,"result":null}
--> {"jsonrpc":"2.0","method":"exit"}
%exit 0
RPC
if ! "$TOP/build/rpc-run" --print "$TMP/session.rpc" -- $HEAPLENS \
	>"$TMP/session.out" 2>"$TMP/session.err"; then
	not_ok "the LSP session runs" "$(tail -c 2000 "$TMP/session.out")" \
		"$(tail -c 2000 "$TMP/session.err")"
	finish
	exit
fi
sed -n 's/^<-- //p' "$TMP/session.out" >"$TMP/msgs"
jq -r 'select(.id == 2) | .result.inputs[] | select(.kind == "escape" and .state != "loaded") | .path' \
	"$TMP/msgs" >"$TMP/failed"
expect_eq "every escape output of the samples loads" "" "$(cat "$TMP/failed")"

# The server's sites: file:line:character message, from the last publish
# of each file (each replaces the one before).
jq -rs --arg root "file://$ws/" '
	map(select(.method == "textDocument/publishDiagnostics"))
	| group_by(.params.uri)[] | last | .params as $p
	| $p.diagnostics[] | select(.code == "escape")
	| "\($p.uri | ltrimstr($root)):\(.range.start.line):\(.range.start.character) \(.message | sub(" — .*$"; ""))"' \
	"$TMP/msgs" | LC_ALL=C sort >"$TMP/lsp"

# The CLI's sites, the byte column converted to UTF-16 with the text.
u16='
def units($c): if $c >= 65536 then 2 else 1 end;
def bytes($c): if $c < 128 then 1 elif $c < 2048 then 2 elif $c < 65536 then 3 else 4 end;
($src | split("\n")) as $lines
| .[] | . as $s
| ($lines[$s.line - 1] | explode) as $cps
| (reduce $cps[] as $c ({b: 0, u: 0};
	if .b >= $s.col - 1 then . else {b: (.b + bytes($c)), u: (.u + units($c))} end)) as $at
| "\($s.source | ltrimstr($root)):\($s.line - 1):\($at.u) \($s.message)"'
: >"$TMP/cli"
cd "$ws" || exit 2
for dir in "$ws"/artefacts/*/escape-json; do
	$HEAPLENS escape --json "$dir" >"$TMP/sites.json" || not_ok "heaplens escape $dir"
	jq -r '[.sites[] | select(.source != null) | .source] | unique[]' "$TMP/sites.json" |
	while read -r src; do
		jq -r --rawfile src "$src" --arg root "$ws/" --arg f "$src" \
			"[.sites[] | select(.source == \$f)] | $u16" "$TMP/sites.json"
	done >>"$TMP/cli"
done
LC_ALL=C sort -o "$TMP/cli" "$TMP/cli"
n=$(wc -l <"$TMP/cli")
if [ "$n" -gt 250 ] && cmp -s "$TMP/lsp" "$TMP/cli"; then
	ok "all $n escape sites of the samples at the compiler's line and UTF-16 column"
else
	not_ok "escape sites at the compiler's line and UTF-16 column ($n)" \
		"$(diff "$TMP/cli" "$TMP/lsp" | head -20)"
fi
for want in 'escapes/main.go:81:48 h.n escapes to heap' \
	'escapes/main.go:134:83 last escapes to heap'; do
	if grep -qxF "$want" "$TMP/lsp"; then
		ok "non-ASCII text before the site: $want"
	else
		not_ok "non-ASCII text before the site: $want" "$(grep -F "${want%% *}" "$TMP/lsp")"
	fi
done

# Costs: a site on a line the newest allocation profile charges says so.
jq -rs --arg root "file://$ws/" '
	map(select(.method == "textDocument/publishDiagnostics"))
	| group_by(.params.uri)[] | last | .params as $p
	| $p.diagnostics[] | select(.code == "escape" and .data.cost != null)
	| select(.message | test(" — [0-9.]+ [kMG]?B \\([0-9.]+%\\) allocated here$") | not)
	| "\($p.uri):\(.range.start.line) \(.message)"' "$TMP/msgs" >"$TMP/badcost"
expect_eq "every site with a cost says it as SIZE (PCT%) allocated here" "" "$(head -5 "$TMP/badcost")"
costed=$(jq -rs 'map(select(.method == "textDocument/publishDiagnostics")) | group_by(.params.uri)
	| map(last | .params.diagnostics[] | select(.code == "escape" and .data.cost != null)) | length' "$TMP/msgs")
if [ "$costed" -gt 50 ]; then
	ok "$costed escape sites carry the cost of their line"
else
	not_ok "escape sites carry the cost of their line" "only $costed"
fi
finish

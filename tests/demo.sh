#!/usr/bin/env bash
# make demo: run one LSP session against heaplens the way an editor would,
# and print what the editor is told, readably. Grows as analyzers land.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
ws=$(mktemp -d "${TMPDIR:-/tmp}/heaplens-demo.XXXXXX")
trap 'rm -rf "$ws"' EXIT
cp -R tests/rpc/workspace/. "$ws/"
ws=$(cd "$ws" && pwd -P)

out="$ws/.session"
if ! build/rpc-run --print --var "WSURI=file://$ws" tests/demo.rpc -- ./heaplens \
	>"$out" 2>"$ws/.stderr"; then
	cat "$out" "$ws/.stderr" >&2
	echo "heaplens demo: the session failed" >&2
	exit 1
fi
msgs() { sed -n 's/^<-- //p' "$out"; }

echo "heaplens demo: one LSP session on a sample workspace ($ws)"
echo
msgs | jq -r 'select(.id == 1) | .result |
	"server      \(.serverInfo.name) \(.serverInfo.version)",
	"offers      \(.capabilities | keys | join(", "))",
	"commands    \(.capabilities.executeCommandProvider.commands | join(", "))"'
echo
echo "messages the user sees:"
msgs | jq -r 'select(.method == "window/showMessage") | "  [\(["", "error", "warning", "info", "log"][.params.type])] \(.params.message)"'
echo
msgs | jq -r --arg ws "$ws/" 'select(.id == 2) | .result |
	"workspace folders:",
	(.workspaceFolders[] | "  \(.name)  settings from \(.settingsFile // "defaults")",
		"    hotThreshold \(.settings.hotThreshold)%, sampleIndex \(.settings.sampleIndex // "profile default"), runCompiler \(.settings.runCompiler)"),
	"open documents:",
	(.documents[] | "  \(.uri | sub("file://" + $ws; "")) (version \(.version), \(.lines) lines)"),
	"evidence loaded: \(if (.inputs | length) == 0 then "none yet" else (.inputs | length | tostring) end)",
	"failures: \(if (.failures | length) == 0 then "none" else (.failures | map(.message) | join("; ")) end)"'
echo
echo "session ended cleanly (shutdown, exit 0)."

#!/usr/bin/env bash
# The Vim plugin (editors/vim) in a real Vim with Debian's ALE, headless
# (vim -es), in a scratch copy of samples/: ALE shows heaplens's leak
# diagnostic on the line `heaplens check` reports and the hot lines' costs
# (hot-alloc) where `heaplens lines` finds them, beside gopls; the compiler's
# escape sites of samples/escapes/main.go (samples/artefacts/escapes/
# escape-json comes with the copy) at the lines and byte columns
# `heaplens escape` gives, after non-ASCII text too;
# :HeaplensCheck fills the quickfix list with the CLI's findings; <CR> on the
# hottest function of :HeaplensFlame lands on its file and line; ALE shows
# goroutineleak's goroutine-leak warnings where `heaplens goroutines` says
# its goroutines block and start, and :HeaplensGoroutines lists the
# blocking line, <CR> landing there. The
# expectations come from the CLI's --json output; tests/editors/vim.vim does
# the editor side and writes its results for this script to print.
# ALE_DIR is ALE's runtime directory (default: Debian's /usr/share/vim-ale).
. "$(dirname "$0")/../cli/lib.sh"

ALE_DIR=${ALE_DIR:-/usr/share/vim-ale}
if ! command -v vim >/dev/null; then
	echo "# vim is not installed: skipping the Vim plugin's test"
	finish
	exit
fi
if [ ! -f "$ALE_DIR/plugin/ale.vim" ]; then
	echo "# ALE is not in $ALE_DIR (Debian: vim-ale): skipping the Vim plugin's test"
	finish
	exit
fi

# The committed help tags are what :helptags makes of doc/heaplens.txt.
mkdir -p "$TMP/doc"
cp "$TOP/editors/vim/doc/heaplens.txt" "$TMP/doc/"
vim -N -u NONE -i NONE -es -c "helptags $TMP/doc" -c 'qall!' </dev/null
if cmp -s "$TMP/doc/tags" "$TOP/editors/vim/doc/tags"; then
	ok "editors/vim/doc/tags is up to date"
else
	not_ok "editors/vim/doc/tags is up to date" \
	    "run: vim -u NONE -es -c 'helptags editors/vim/doc' -c q"
fi

ws=$TMP/ws
mkdir -p "$ws" "$TMP/cache"
cp -R "$TOP/samples" "$ws/"
cd "$ws" || exit 2
# Each artefacts directory's goroutine.txt is its newest dump, compared
# with goroutine-base.txt: older, as is the debug=1 form of the same moment
# (a copy that straddles a second would otherwise order them by chance).
touch -d '2001-01-01 00:00:00' samples/artefacts/*/goroutine-base.txt \
	samples/artefacts/*/goroutine-debug1.txt

# One command for Vim and ALE to start, even when $HEAPLENS is several
# words (valgrind ...).
printf '#!/bin/sh\nexec %s "$@"\n' "$HEAPLENS" >"$TMP/heaplens"
chmod +x "$TMP/heaplens"

source=samples/bodyleak/main.go
$HEAPLENS check --json "$source" >"$TMP/check-file.json"
$HEAPLENS check --json samples >"$TMP/check-all.json"
if ! grep -q '"check"' "$TMP/check-file.json"; then
	not_ok "heaplens check finds a leak in $source" \
	    "$(head -c 2000 "$TMP/check-file.json")"
	finish
	exit
fi

# The lines of the file some profile of the sample finds hot (at least 5%
# of its total, heaplens's default hotThreshold): ALE must show hot-alloc
# diagnostics there, and only there.
hot_lines=$(for p in samples/artefacts/bodyleak/*.pb.gz; do
	$HEAPLENS lines --json "$p" 2>/dev/null | jq -r --arg f bodyleak/main.go '
		.total as $t | .lines[] | select((.file | endswith($f)) and $t != 0 and
		((if .flat < 0 then -.flat else .flat end) * 100 /
		 (if $t < 0 then -$t else $t end) >= 5)) | .line'
done | sort -un | tr '\n' ' ')

# The escape sites of escapes/main.go, with the costs of the escapes
# sample's allocs profile: the positions from --json, the costs as the
# server words them from the text.
escapes=samples/artefacts/escapes
$HEAPLENS escape --json --profile $escapes/allocs.pb.gz $escapes/escape-json \
    >"$TMP/escape.json"
$HEAPLENS escape --profile $escapes/allocs.pb.gz $escapes/escape-json \
    >"$TMP/escape.txt"

# goroutineleak's groups, the newer dump against the base, as the server
# compares them: goroutine-leak warnings where they block and start.
dumps=samples/artefacts/goroutineleak
$HEAPLENS goroutines --json --base $dumps/goroutine-base.txt \
    $dumps/goroutine.txt >"$TMP/goroutines.json"

flame_json=
profile=samples/artefacts/bodyleak/allocs.pb.gz
if $HEAPLENS flame --help >/dev/null 2>&1; then
	if $HEAPLENS flame "$profile" --json >"$TMP/flame.json"; then
		flame_json=$TMP/flame.json
	else
		not_ok "heaplens flame --json $profile" \
		    "$(head -c 2000 "$TMP/flame.json")"
	fi
else
	echo "# heaplens flame is missing: skipping the flame buffer's jump"
fi

# gopls (when installed) writes its caches here, never over the network.
export XDG_CACHE_HOME=$TMP/cache GOCACHE=$TMP/cache/go GOPROXY=off GOFLAGS=
export HOME=$TMP/cache
export TOP ALE_DIR
HOT_LINES=$hot_lines HEAPLENS_CMD=$TMP/heaplens RESULTS=$TMP/results \
    CHECK_FILE_JSON=$TMP/check-file.json CHECK_ALL_JSON=$TMP/check-all.json \
    FLAME_JSON=$flame_json FLAME_PROFILE=$profile FLAME_SOURCE=$source \
    ESCAPE_JSON=$TMP/escape.json ESCAPE_TXT=$TMP/escape.txt \
    ESCAPE_SOURCE=samples/escapes/main.go \
    GOROUTINES_JSON=$TMP/goroutines.json \
    GOROUTINES_SOURCE=samples/goroutineleak/main.go \
    timeout 120 vim -N -u NONE -i NONE -es -S "$TOP/tests/editors/vim.vim" \
    </dev/null >"$TMP/vim.out" 2>&1
status=$?
if [ ! -s "$TMP/results" ]; then
	not_ok "vim ran the test script" "exit status $status" \
	    "$(head -c 2000 "$TMP/vim.out")"
	finish
	exit
fi
while IFS=$'\t' read -r kind name reason; do
	case $kind in
	ok) ok "$name" ;;
	"not ok") not_ok "$name" "$reason" ;;
	"#") echo "# $name" ;;
	esac
done <"$TMP/results"
finish

#!/usr/bin/env bash
# nvim.sh - the Neovim plugin (editors/nvim) in a real headless Neovim on a
# private copy of samples/: the client attaches, line costs and diagnostics
# land on the lines the CLI names, escape sites on their lines and columns
# (non-ASCII lines included), the flame view jumps to source, a growing
# GC trace is a warning and :HeaplensGC says so, goroutine-leak warnings
# land where the dump's goroutines block and start, and
# :HeaplensGoroutines jumps to where they block. The
# checks themselves are in nvim-test.lua; this script prepares the
# workspace, runs Neovim and reports its results as lib.sh does.
. "$(dirname "$0")/../cli/lib.sh"

if ! command -v nvim >/dev/null 2>&1; then
	ok "neovim plugin # skip nvim is not installed (apt-get install neovim)"
	finish
	exit
fi

ws=$TMP/ws
mkdir -p "$ws/prof" "$ws/art"
cp -R "$TOP/samples/escapes" "$TOP/samples/bodyleak" "$TOP/samples/internal" \
	"$TOP/samples/go.mod" "$ws/"
cp "$TOP/samples/artefacts/escapes/allocs.pb.gz" "$ws/prof/"
# The compiler's escape analysis of escapes/ (-gcflags=-json=0,DIR), found by
# the default escapeOutputs glob **/escape-json.
cp -R "$TOP/samples/artefacts/escapes/escape-json" "$ws/art/"
cp "$TOP/samples/artefacts/escapes/heap.pb.gz" "$ws/base.heap"
# What the program said while it ran: goroutineleak's two goroutine dumps
# (the base older, so the newer is compared with it) and cacheleak's GC
# trace, whose live heap grows, found by the default goroutineDumps and
# gcTraces globs.
mkdir -p "$ws/art/goroutines" "$ws/art/cache"
cp -R "$TOP/samples/goroutineleak" "$ws/"
cp "$TOP/samples/artefacts/goroutineleak/goroutine.txt" \
	"$TOP/samples/artefacts/goroutineleak/goroutine-base.txt" "$ws/art/goroutines/"
touch -d '2001-01-01 00:00:00' "$ws/art/goroutines/goroutine-base.txt"
cp "$TOP/samples/artefacts/cacheleak/gctrace.log" "$ws/art/cache/"
ws=$(cd "$ws" && pwd -P)

# The plugin finds a plain binary on PATH; a wrapper is passed as cmd.
bin=${HEAPLENS%% *}
PATH=$(dirname "$bin"):$PATH
export PATH HEAPLENS HEAPLENS_WS=$ws HEAPLENS_OUT=$TMP/results \
	HEAPLENS_CPU=$TOP/samples/artefacts/escapes/cpu.pb.gz
# gopls, when installed, runs beside heaplens as it does for users (offline,
# with a private build cache); HEAPLENS_GOPLS= runs without it.
export HEAPLENS_GOPLS=${HEAPLENS_GOPLS-$(command -v gopls)}
export GOPROXY=off GOCACHE=$TMP/go-cache GOTELEMETRY=off
if [ -n "${VALGRIND:-}" ]; then
	export HEAPLENS_WAIT=${HEAPLENS_WAIT:-120000}
fi

# Neovim's own files (lsp.log, shada) stay in the scratch directory.
export XDG_CONFIG_HOME=$TMP/xdg/config XDG_DATA_HOME=$TMP/xdg/data \
	XDG_STATE_HOME=$TMP/xdg/state XDG_CACHE_HOME=$TMP/xdg/cache

# The help file: its tags build without errors or duplicates.
cp -R "$TOP/editors/nvim" "$TMP/rtp"
if out=$(nvim --headless -u NONE -i NONE \
	-c "try | helptags $TMP/rtp/doc | catch | echo v:exception | cquit | endtry" \
	-c 'qall!' 2>&1) && grep -q '^:HeaplensFlame	' "$TMP/rtp/doc/tags"; then
	ok "doc/heaplens.txt builds its help tags"
else
	not_ok "doc/heaplens.txt builds its help tags" "$out"
fi

: >"$TMP/results"
cd "$ws" || exit 2
timeout "${NVIM_TEST_TIMEOUT:-600}" nvim --headless -u NONE -i NONE -n \
	--cmd "set runtimepath^=$TOP/editors/nvim" \
	-c "luafile $TOP/tests/editors/nvim-test.lua" >"$TMP/nvim.log" 2>&1
status=$?

while IFS=$'\t' read -r result name detail; do
	case $result in
	ok) ok "$name" ;;
	"not ok") not_ok "$name" "$detail" ;;
	skip)
		echo "skip: $detail"
		ok "$name # skip $detail"
		;;
	esac
done <"$TMP/results"
if ! tail -n 1 "$TMP/results" 2>/dev/null | grep -qx "done"; then
	not_ok "nvim ran the test to its end" "exit status $status" \
		"$(tail -c 2000 "$TMP/nvim.log")"
fi
finish

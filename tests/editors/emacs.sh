#!/usr/bin/env bash
# emacs.sh - editors/emacs/heaplens.el in a real Emacs, headless.
#
# Byte-compiles the package with warnings as errors (in a scratch copy, so
# nothing is written into the repository), then runs tests/editors/emacs-test.el
# in `emacs -Q --batch` on a private copy of samples/: heaplens-mode on
# escapes/main.go (with eglot and gopls beside it when they are installed),
# its diagnostics, escape sites (samples/artefacts/escapes/escape-json comes
# with the copy), line costs, lenses and line description, the flame view's
# jump to source, the commands, incremental edits, a leak finding cleared
# by a save, a growing GC trace's warning and heaplens-gc-summary, and the
# goroutine-leak diagnostics and heaplens-goroutines' jump. Skips when
# emacs is not installed.
. "$(dirname "$0")/../cli/lib.sh"

if ! command -v emacs >/dev/null; then
	echo "skip - emacs: emacs is not installed (apt-get install emacs-nox elpa-eglot)"
	finish
	exit
fi

version=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
lisp=$TMP/lisp
mkdir -p "$lisp" "$TMP/home"
cp "$TOP/editors/emacs/heaplens.el" "$lisp/"

# Byte-compile with every warning an error.
if emacs -Q --batch --eval '(setq byte-compile-error-on-warn t)' \
	-f batch-byte-compile "$lisp/heaplens.el" >"$TMP/compile.out" 2>&1 &&
	[ -f "$lisp/heaplens.elc" ]; then
	ok "heaplens.el byte-compiles with no warnings"
else
	not_ok "heaplens.el byte-compiles with no warnings" "$(head -c 3000 "$TMP/compile.out")"
	finish
	exit
fi

# The workspace: a copy of samples/, its root found by its go.mod. A space
# and a non-ASCII letter in its name put URI escaping to work.
ws="$TMP/work space ü"
mkdir -p "$ws"
cp -R "$TOP/samples/." "$ws/"
# Each artefacts directory's goroutine.txt is its newest dump, compared
# with goroutine-base.txt: older, as is the debug=1 form of the same moment
# (a copy that straddles a second would otherwise order them by chance).
touch -d '2001-01-01 00:00:00' "$ws"/artefacts/*/goroutine-base.txt \
	"$ws"/artefacts/*/goroutine-debug1.txt
ws=$(cd "$ws" && pwd -P)

timeout=30
[ -n "${VALGRIND:-}" ] && timeout=120
# HOME, the Go caches and GOPROXY keep gopls (when eglot runs it) off the
# network and out of the user's files.
HOME=$TMP/home GOPATH=$TMP/home/go GOCACHE=$TMP/home/gocache GOPROXY=off \
	GOFLAGS= CGO_ENABLED=0 \
	HEAPLENS_TEST_LISP=$lisp HEAPLENS_TEST_WS=$ws \
	HEAPLENS_TEST_VERSION=$version HEAPLENS_TEST_TIMEOUT=$timeout \
	HEAPLENS="$HEAPLENS" \
	timeout $((timeout * 10)) emacs -Q --batch -l "$TOP/tests/editors/emacs-test.el" \
	>"$TMP/emacs.out" 2>"$TMP/emacs.err"
status=$?
cat "$TMP/emacs.out"
passed=$((passed + $(grep -c '^ok ' "$TMP/emacs.out")))
failed=$((failed + $(grep -c '^not ok ' "$TMP/emacs.out")))
if [ "$status" != 0 ] || grep -q '^not ok ' "$TMP/emacs.out"; then
	not_ok "emacs exits 0 having run every check (status $status)" \
		"its messages:" "$(tail -c 3000 "$TMP/emacs.err")"
else
	ok "emacs exits 0 having run every check"
fi
finish

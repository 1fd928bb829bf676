#!/usr/bin/env bash
# The HTML flame graph in headless Chromium, driven by the page's own
# self-test (#selftest=ACTION,... runs searches, clicks and keys as DOM
# events and writes what the page then shows into <pre id="selftest">,
# which --dump-dom prints): the page renders, a search highlights a known
# function, a click zooms into it, the detail line shows its file:line,
# the root and Escape zoom out, a hostile function name stays text, and
# the page requests nothing (no URL in it, no CSP violation, no request of
# the page's in Chromium's network log). Skipped without Chromium.
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	ok "flame graph in a browser # skip: chromium not installed"
	finish
	exit
fi
if ! command -v jq >/dev/null; then
	ok "flame graph in a browser # skip: jq not installed"
	finish
	exit
fi

# browse NAME PAGE ACTIONS: open PAGE#selftest=ACTIONS and leave the
# self-test's JSON in $TMP/NAME.json, the network log in $TMP/NAME.net.
# Every request goes to a proxy that refuses it.
browse() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-dev-shm-usage --no-first-run --disable-extensions \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$TMP/profile-$1" \
		--proxy-server=127.0.0.1:9 --log-net-log="$TMP/$1.net" \
		--window-size=1200,800 --virtual-time-budget=5000 \
		--dump-dom "file://$2#selftest=$3" >"$TMP/$1.dom" 2>"$TMP/$1.err"
	sed -n 's|.*<pre id="selftest"[^>]*>\(.*\)</pre>.*|\1|p' "$TMP/$1.dom" |
		sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g' \
		>"$TMP/$1.json"
	if [ -s "$TMP/$1.json" ] && jq -e . "$TMP/$1.json" >/dev/null 2>&1; then
		ok "$1: the page ran its self-test"
	else
		not_ok "$1: the page ran its self-test" \
			"dump: $(head -c 1000 "$TMP/$1.dom")" \
			"chromium: $(tail -n 5 "$TMP/$1.err")"
		return 1
	fi
}

# field NAME FILTER: a jq filter's value (compact) on NAME's self-test.
field() {
	jq -c "$2" "$TMP/$1.json"
}

# no_network NAME PAGE: the page names no URL, and neither the page's
# policy nor the network log saw a request of it (the browser's own
# background requests have no file:// isolation key; the page's would).
no_network() {
	expect_eq "$1: no http(s) URL in the page" 0 "$(grep -Eci 'https?://' "$2")"
	expect_eq "$1: no request blocked by the page's policy" '[]' "$(field "$1" .violations)"
	expect_eq "$1: no request of the page in the network log" '[]' \
		"$(jq -c '[.events[] | select(.params.url? and ((.params.network_isolation_key? // "") | test("file:")))
			| .params.url] | unique' "$TMP/$1.net" 2>&1)"
}

# A hostile name from the unit test's page: drawn as text, not markup.
if FLAMEHTML_PAGE="$TMP/hostile.html" "$TOP/build/unit-tests" \
	"flamehtml: sample page" >"$TMP/unit.out" 2>&1; then
	if browse hostile "$TMP/hostile.html" "search:evil"; then
		expect_eq "hostile: every node drawn" '[9,9]' "$(field hostile '[.nodes, .drawn]')"
		expect_eq "hostile: the name is text" \
			'["main.evil</script><!--<script>alert(1)</SCRIPT>"]' \
			"$(field hostile '.steps[0].highlighted')"
		expect_eq "hostile: no error" '[]' "$(field hostile .errors)"
		no_network hostile "$TMP/hostile.html"
	fi
else
	not_ok "hostile: unit-test page written" "$(cat "$TMP/unit.out")"
fi

# The flame graph of samples/escapes' allocations. main.latencyTracker
# is the costliest function of alloc_space (go tool pprof -top: 32.86%
# flat and cum), at main.go:72.
profile=$TOP/samples/artefacts/escapes/allocs.pb.gz
page=$TMP/flame.html
check "heaplens flame --html" $HEAPLENS flame --sample-index alloc_space \
	--html "$page" "$profile"
nodes=$($HEAPLENS flame --json --sample-index alloc_space "$profile" |
	jq '[.. | objects | select(has("children"))] | length')
hot=main.latencyTracker
if [ -s "$page" ] && browse escapes "$page" \
	"search:$hot,click:$hot,key:Escape,click:main.main,click:root"; then
	expect_eq "escapes: every node in the tree" "$nodes" "$(field escapes .nodes)"
	expect_match "escapes: nodes drawn" '^[1-9][0-9]*$' "$(field escapes .drawn)"
	expect_eq "escapes: the search highlights $hot" "[\"$hot\"]" \
		"$(field escapes '.steps[0].highlighted')"
	expect_match "escapes: the search totals the match" \
		'^"matched [1-9][0-9]* nodes?: 8[78]\.[0-9] MB \(32\.9% of total\)"$' \
		"$(field escapes '.steps[0].matched')"
	expect_eq "escapes: a click zooms into $hot" "[\"$hot\",100]" \
		"$(field escapes '[.steps[1].zoomed, .steps[1].zoomedWidth]')"
	expect_match "escapes: the detail shows value, share and file:line" \
		"^\"$hot: 88.0 MB \\(32.9% of total\\) at [^ ]*escapes/main.go:72\"\$" \
		"$(field escapes '.steps[1].detail')"
	expect_eq "escapes: the breadcrumbs lead to $hot" "[\"root\",\"$hot\"]" \
		"$(field escapes '[.steps[1].crumbs[0], .steps[1].crumbs[-1]]')"
	expect_eq "escapes: Escape zooms out" '["root",100]' \
		"$(field escapes '[.steps[2].zoomed, .steps[2].zoomedWidth]')"
	expect_eq "escapes: clicking the root zooms out" '["main.main","root"]' \
		"$(field escapes '[.steps[3].zoomed, .steps[4].zoomed]')"
	expect_eq "escapes: no error" '[]' "$(field escapes .errors)"
	no_network escapes "$page"
fi

finish

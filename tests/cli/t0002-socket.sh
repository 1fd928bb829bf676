#!/usr/bin/env bash
# --listen: several clients at once on a unix socket and on TCP, each its own
# session; one that sends garbage and disconnects mid-frame disturbs no one;
# SIGTERM stops the server cleanly and removes its socket.
. "$(dirname "$0")/lib.sh"
RPC="$TOP/build/rpc-run"
T="$TOP/tests/rpc/socket"

# wait_for_line FILE REGEX: wait up to 30 s for a line to appear in FILE.
wait_for_line() {
	local i
	for i in $(seq 300); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

sock="$TMP/heaplens.sock"
$HEAPLENS --listen "unix:$sock" --log "$TMP/log" 2>"$TMP/err" &
pid=$!
if wait_for_line "$TMP/err" "listening on unix:"; then
	ok "unix server announces its socket"
else
	not_ok "unix server announces its socket" "$(cat "$TMP/err")"
fi
expect_eq "socket is private to the user" "srwx------" "$(stat -c %A "$sock" 2>/dev/null | cut -c1-10)"

# Three well-behaved clients and one bad one, all at once.
for name in alpha beta gamma; do
	$RPC --connect "unix:$sock" --var "NAME=$name" "$T/client.rpc" >"$TMP/$name.out" 2>&1 &
	eval "cpid_$name=\$!"
done
sleep 0.1
$RPC --connect "unix:$sock" "$T/garbage.rpc" >"$TMP/garbage.out" 2>&1
gstatus=$?
for name in alpha beta gamma; do
	eval "wait \$cpid_$name"
	status=$?
	if [ "$status" = 0 ]; then
		ok "client $name kept its own session"
	else
		not_ok "client $name kept its own session" "$(cat "$TMP/$name.out")"
	fi
done
if [ "$gstatus" = 0 ]; then
	ok "garbage client got a parse error before leaving"
else
	not_ok "garbage client got a parse error before leaving" "$(cat "$TMP/garbage.out")"
fi
# Wait until the server has seen all four clients go.
for i in $(seq 300); do
	[ "$(grep -c 'client gone' "$TMP/log")" -ge 4 ] && break
	sleep 0.1
done
if $RPC --connect "unix:$sock" "$T/late.rpc" >"$TMP/late.out" 2>&1; then
	ok "a later client is served, alone"
else
	not_ok "a later client is served, alone" "$(cat "$TMP/late.out")"
fi
if kill -0 "$pid" 2>/dev/null; then
	ok "server survived the bad client"
else
	not_ok "server survived the bad client"
fi
expect_match "the bad client's truncated message is logged" "input ended inside|truncated message" "$(cat "$TMP/log")"

# A second server refuses to steal a live socket.
$HEAPLENS --listen "unix:$sock" </dev/null 2>"$TMP/err2"
expect_eq "second server on the same socket exits 2" 2 "$?"
expect_match "and says why" "another server is listening on" "$(cat "$TMP/err2")"

kill -TERM "$pid"
wait "$pid"
expect_eq "SIGTERM stops the server with status 0" 0 "$?"
if [ -e "$sock" ]; then
	not_ok "socket file removed at exit"
else
	ok "socket file removed at exit"
fi

# TCP on an ephemeral loopback port.
$HEAPLENS --listen 127.0.0.1:0 2>"$TMP/tcp.err" &
pid=$!
if wait_for_line "$TMP/tcp.err" "listening on 127\.0\.0\.1:[0-9]+"; then
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/tcp.err")
	ok "tcp server announces its port"
	$RPC --connect "127.0.0.1:$port" --var NAME=delta "$T/client.rpc" >"$TMP/tcp1.out" 2>&1 &
	c1=$!
	$RPC --connect "127.0.0.1:$port" --var NAME=epsilon "$T/client.rpc" >"$TMP/tcp2.out" 2>&1
	s2=$?
	wait $c1
	s1=$?
	if [ "$s1" = 0 ] && [ "$s2" = 0 ]; then
		ok "two tcp clients served at once"
	else
		not_ok "two tcp clients served at once" "$(cat "$TMP/tcp1.out" "$TMP/tcp2.out")"
	fi
else
	not_ok "tcp server announces its port" "$(cat "$TMP/tcp.err")"
fi
kill -INT "$pid"
wait "$pid"
expect_eq "SIGINT stops the tcp server with status 0" 0 "$?"

finish

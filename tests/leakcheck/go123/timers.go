// Cases for a go 1.23 module: unreferenced timers and tickers are collected
// by the garbage collector, so neither tick-leak nor after-in-loop fires,
// and ticker-not-stopped is only a hint (t0007 checks its severity).
package go123

import (
	"context"
	"time"
)

// A tick-leak before go 1.23: WaitReady returns and the ticker runs on.
func WaitReady(ctx context.Context, ready func() bool) error {
	tick := time.Tick(250 * time.Millisecond)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			if ready() {
				return nil
			}
		}
	}
}

// An after-in-loop before go 1.23: each message left an idle timer behind.
func Consume(ctx context.Context, msgs <-chan string, handle func(string), idle func()) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-msgs:
			handle(m)
		case <-time.After(time.Second):
			idle()
		}
	}
}

// A ticker the error return leaves running: collected once unreachable from
// go 1.23 on, so a hint.
func Watch(ctx context.Context, check func() error) error {
	t := time.NewTicker(time.Second) // want "ticker-not-stopped"
	for {
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
			if err := check(); err != nil {
				return err
			}
		}
	}
}

// Cases for ticker-not-stopped: a time.NewTicker or time.NewTimer that some
// path out of the function leaves running (the module says go 1.19; go123/
// has the go 1.23 hint).
package leakcheck

import (
	"context"
	"errors"
	"io"
	"time"
)

// The quit case stops the ticker, the error return does not.
func pollStatus(ctx context.Context, check func() (bool, error)) error {
	t := time.NewTicker(time.Second) // want "ticker-not-stopped"
	for {
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
			ok, err := check()
			if err != nil {
				return err
			}
			if ok {
				t.Stop()
				return nil
			}
		}
	}
}

// The fast path returns with the 30 s timer still armed.
func waitResult(results <-chan int) (int, error) {
	timer := time.NewTimer(30 * time.Second) // want "ticker-not-stopped"
	select {
	case v := <-results:
		return v, nil
	case <-timer.C:
		return 0, errors.New("timed out")
	}
}

// A write error ends the range over the ticker, and the function with it.
func heartbeat(conn io.Writer) {
	var hb = time.NewTicker(5 * time.Second) // want "ticker-not-stopped"
	for range hb.C {
		if _, err := conn.Write([]byte("ping\n")); err != nil {
			return
		}
	}
}

// Reset re-arms the timer; cancelling the context leaves it armed.
func debounce(ctx context.Context, events <-chan string, flush func()) {
	t := time.NewTimer(time.Hour) // want "ticker-not-stopped"
	for {
		select {
		case <-ctx.Done():
			return
		case <-events:
			t.Reset(100 * time.Millisecond)
		case <-t.C:
			flush()
		}
	}
}

// Nothing can ever stop these.
func startClocks() {
	time.NewTicker(time.Minute)  // want "ticker-not-stopped"
	_ = time.NewTimer(time.Hour) // want "ticker-not-stopped"
}

type sampler struct {
	ticker *time.Ticker
	every  time.Duration
}

// Negative: defer Stop.
func (s *sampler) sampleN(n int, sample func()) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for i := 0; i < n; i++ {
		<-t.C
		sample()
	}
}

// Negative: stopped in the quit case, the only way out of the endless loop.
func (s *sampler) run(quit <-chan struct{}, sample func()) {
	t := time.NewTicker(s.every)
	for {
		select {
		case <-quit:
			t.Stop()
			return
		case <-t.C:
			sample()
		}
	}
}

// Negative: stored in a field, stopped by another method.
func (s *sampler) start() {
	s.ticker = time.NewTicker(s.every)
}

// Negative: stored through another variable.
func (s *sampler) restart() {
	t := time.NewTicker(s.every)
	s.ticker = t
}

// Negative: returned to the caller, who stops it.
func newPoller(every time.Duration) *time.Ticker {
	t := time.NewTicker(every)
	return t
}

// Negative: handed to a goroutine that stops it.
func tickInBackground(every time.Duration, done <-chan struct{}, f func()) {
	t := time.NewTicker(every)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				f()
			}
		}
	}()
}

// Negative: the timer fired on the only path out: nothing left to stop.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	select {
	case <-ctx.Done():
		if !t.Stop() {
			<-t.C
		}
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Negative: a range over the ticker's channel never ends without a break.
func (s *sampler) forever(sample func()) {
	t := time.NewTicker(s.every)
	for range t.C {
		sample()
	}
}

// Negative: passed on to a helper that stops it.
func stopAfter(d time.Duration, stop func(*time.Timer)) {
	t := time.NewTimer(d)
	stop(t)
}

// Negative: used in place and waited for; it fires before the function ends.
func pause(d time.Duration) {
	<-time.NewTimer(d).C
}

// Negative: a package-level ticker lives as long as the program.
var flushTicker = time.NewTicker(time.Second)

// Negative: a continue goes round the endless loop again, it does not leave
// it; the quit case stops both tickers.
func (s *sampler) scanLoop(quit, poke <-chan struct{}, scan, broadcast func()) {
	scanTicker := time.NewTicker(s.every)
	teamsTicker := time.NewTicker(2 * s.every)
	for {
		select {
		case <-quit:
			scanTicker.Stop()
			teamsTicker.Stop()
			return
		case <-scanTicker.C:
		case <-poke:
		case <-teamsTicker.C:
			broadcast()
			continue
		}
		scan()
	}
}

// Negative: an optional timer, stopped when there is one.
func waitOptional(d time.Duration, done <-chan struct{}) {
	var t *time.Timer
	if d > 0 {
		t = time.NewTimer(d)
	}
	<-done
	if t != nil {
		t.Stop()
	}
}

type cleaner interface{ Cleanup(func()) }

// Negative: Stop handed to a cleanup list as a method value.
func tickForTest(c cleaner, every time.Duration) <-chan time.Time {
	t := time.NewTicker(every)
	c.Cleanup(t.Stop)
	return t.C
}

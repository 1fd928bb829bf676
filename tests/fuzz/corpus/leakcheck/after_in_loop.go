// Cases for after-in-loop: time.After evaluated on every iteration of a loop
// is flagged when a timer can be left pending each time round; blocking
// receives, selects whose other cases leave the loop, func literals and
// calls made once (loop init, outside loops) are not.
package leakcheck

import (
	"context"
	"errors"
	"log"
	"time"
)

type busEvent struct {
	id   string
	data []byte
}

type idleBatcher struct {
	pending []busEvent
	flushes int
}

func (b *idleBatcher) add(ev busEvent) { b.pending = append(b.pending, ev) }
func (b *idleBatcher) flush()          { b.pending = b.pending[:0]; b.flushes++ }

// A consumer that flushes when idle: every message makes a new idle timer.
func consume(ctx context.Context, events <-chan busEvent, b *idleBatcher) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-events:
			b.add(ev)
		case <-time.After(500 * time.Millisecond): // want "after-in-loop"
			b.flush()
		}
	}
}

// A heartbeat loop: the quit case returns, but the work case goes round.
func heartbeatLoop(quit <-chan struct{}, work <-chan func(), beat func()) {
	for {
		select {
		case <-quit:
			return
		case fn := <-work:
			fn()
		case <-time.After(5 * time.Second): // want "after-in-loop"
			beat()
		}
	}
}

// The timer in a variable: a result arriving first leaves it pending.
func gather(results <-chan string, n int, perResult time.Duration) ([]string, error) {
	var got []string
	for len(got) < n {
		timeout := time.After(perResult) // want "after-in-loop"
		select {
		case r := <-results:
			got = append(got, r)
		case <-timeout:
			return got, errors.New("gather: timed out")
		}
	}
	return got, nil
}

// A poller with a default case: most iterations take the default.
func pollReady(ready func() bool, interval time.Duration, tries int) bool {
	for i := 0; i < tries; i++ {
		if ready() {
			return true
		}
		select {
		case <-time.After(interval): // want "after-in-loop"
		default:
			log.Printf("poll %d: not ready", i)
		}
	}
	return false
}

// A goroutine's own loop counts: each manual kick leaves a timer behind.
func startReaper(ctx context.Context, kick <-chan struct{}, reap func() int) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
				log.Printf("reaped %d on request", reap())
			case <-time.After(time.Minute): // want "after-in-loop"
				if reap() == 0 {
					break
				}
				log.Print("reaped")
			}
		}
	}()
}

var errGiveUp = errors.New("retry: giving up")

// Negative: a retry loop whose other case returns: one timer at a time.
func retry(ctx context.Context, attempts int, backoff time.Duration, op func() error) error {
	for i := 0; i < attempts; i++ {
		if err := op(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff << uint(i)):
		}
	}
	return errGiveUp
}

// Negative: a blocking receive waits for the timer like time.Sleep.
func throttle(items []string, every time.Duration, send func(string)) {
	for _, it := range items {
		send(it)
		<-time.After(every)
	}
}

// Negative: a deadline made once, in the loop's init statement.
func drainUntil(in <-chan int, d time.Duration) (sum int) {
	for deadline := time.After(d); ; {
		select {
		case v := <-in:
			sum += v
		case <-deadline:
			return sum
		}
	}
}

// Negative: each goroutine selects once on its own timer.
func fanOutWithTimeout(jobs []func() error, d time.Duration, errs chan<- error) {
	for _, job := range jobs {
		go func(job func() error) {
			done := make(chan error, 1)
			go func() { done <- job() }()
			select {
			case err := <-done:
				errs <- err
			case <-time.After(d):
				errs <- errors.New("job timed out")
			}
		}(job)
	}
}

// Negative: one timer outside the loop, reset each time round (the fix).
func consumeWithTimer(ctx context.Context, events <-chan busEvent, b *idleBatcher) {
	idle := time.NewTimer(500 * time.Millisecond)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-events:
			b.add(ev)
			if !idle.Stop() {
				<-idle.C
			}
			idle.Reset(500 * time.Millisecond)
		case <-idle.C:
			b.flush()
			idle.Reset(500 * time.Millisecond)
		}
	}
}

// Negative: the timer fires before the loop goes round, or the other case
// breaks out of the labeled loop.
func waitForShutdown(quit <-chan struct{}, check func() bool, every time.Duration) {
wait:
	for {
		tick := time.After(every)
		select {
		case <-tick:
			if check() {
				log.Print("healthy")
			}
		case <-quit:
			break wait
		}
	}
}

// Negative: a single select, not in a loop.
func callWithTimeout(call func() string, d time.Duration) (string, bool) {
	out := make(chan string, 1)
	go func() { out <- call() }()
	select {
	case s := <-out:
		return s, true
	case <-time.After(d):
		return "", false
	}
}

// Negative: the ctx.Done() case records the error and the check below the
// select leaves the loop.
func pollJob(ctx context.Context, status func() (bool, error), every time.Duration) error {
	for {
		done, err := status()
		if err != nil || done {
			return err
		}
		select {
		case <-time.After(every):
			continue
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			return err
		}
	}
}

type backendConn struct {
	ready <-chan struct{}
}

// Negative: whichever case wins, the statement after the select returns,
// so the loop never goes round with a timer pending.
func dialFirst(addrs []string, dial func(string) (*backendConn, error), wait time.Duration) (*backendConn, error) {
	for _, addr := range addrs {
		conn, err := dial(addr)
		if err != nil {
			continue
		}
		select {
		case <-conn.ready:
		case <-time.After(wait):
			log.Printf("%s: not ready after %v, using it anyway", addr, wait)
		}
		return conn, nil
	}
	return nil, errors.New("no backend")
}

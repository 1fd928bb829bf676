// Cases for tick-leak: time.Tick in a function that can return once it has
// made the ticker, or made afresh on each loop iteration, is flagged (the
// module says go 1.19). Endless functions, package-level tickers, and (in
// go123/ and tickmain/) go 1.23 modules and package main are not.
package leakcheck

import (
	"context"
	"log"
	"os"
	"time"
)

type readyClient struct {
	ready func() bool
}

// Waiting for readiness returns, and leaves its ticker running for good.
func (c *readyClient) WaitReady(ctx context.Context) error {
	tick := time.Tick(250 * time.Millisecond) // want "tick-leak"
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			if c.ready() {
				return nil
			}
		}
	}
}

type jobQueue struct {
	items []string
}

// The break ends the range over the ticker, and then the function.
func (q *jobQueue) drain(run func(string)) {
	for range time.Tick(100 * time.Millisecond) { // want "tick-leak"
		if len(q.items) == 0 {
			break
		}
		run(q.items[0])
		q.items = q.items[1:]
	}
}

// A new ticker on every iteration, even though the quit case is the only
// way out.
func pingLoop(quit <-chan struct{}, ping func()) {
	for {
		select {
		case <-quit:
			return
		case <-time.Tick(time.Second): // want "tick-leak"
			ping()
		}
	}
}

type fileWatcher struct {
	every   time.Duration
	changed func(os.FileInfo)
}

// The early return comes after the ticker exists.
func (w *fileWatcher) watch(path string) error {
	tick := time.Tick(w.every) // want "tick-leak"
	last, err := os.Stat(path)
	if err != nil {
		return err
	}
	for {
		<-tick
		fi, err := os.Stat(path)
		if err == nil && fi.ModTime() != last.ModTime() {
			w.changed(fi)
			last = fi
		}
	}
}

// A labeled break leaves the endless loop from inside the select.
func sample(read func() float64, done <-chan struct{}, out chan<- float64) {
	tick := time.Tick(time.Second) // want "tick-leak"
sampling:
	for {
		select {
		case <-tick:
			out <- read()
		case <-done:
			break sampling
		}
	}
}

type statsFlusher struct {
	every time.Duration
	flush func()
}

// Used as a sleep, time.Tick starts one more ticker every time round, even
// though the function never returns.
func (s *statsFlusher) loop() {
	for {
		<-time.Tick(s.every) // want "tick-leak"
		s.flush()
	}
}

// Negative: a package-level ticker lives as long as the program anyway.
var heartbeatTick = time.Tick(30 * time.Second)

func waitHeartbeat() time.Time { return <-heartbeatTick }

type lruCache struct {
	evict func(time.Time) int
}

// Negative: an endless janitor; the range over a ticker channel never ends.
func (c *lruCache) janitor() {
	for now := range time.Tick(time.Minute) {
		if n := c.evict(now); n > 0 {
			log.Printf("evicted %d entries", n)
		}
	}
}

type metricsReporter struct {
	snapshot func() map[string]float64
}

// Negative: an endless reporter; the break leaves the select, not the loop.
func (m *metricsReporter) report(out chan<- map[string]float64) {
	tick := time.Tick(10 * time.Second)
	for {
		select {
		case <-tick:
			snap := m.snapshot()
			if len(snap) == 0 {
				break
			}
			out <- snap
		}
	}
}

type queuePump struct {
	every  time.Duration
	queues []func() bool
}

// Negative: the return before the ticker exists, and a break that ends
// only the inner loop.
func (p *queuePump) run(enabled bool) {
	if !enabled {
		return
	}
	tick := time.Tick(p.every)
	for {
		<-tick
		for _, drain := range p.queues {
			if !drain() {
				break
			}
		}
	}
}

// Negative: the goroutine's own function is endless; returning from
// StartSweeper does not end it.
func StartSweeper(sweep func() error) {
	go func() {
		for range time.Tick(5 * time.Minute) {
			if err := sweep(); err != nil {
				log.Printf("sweep: %v", err)
			}
		}
	}()
}

// Negative: a return inside a func literal in the loop returns from the
// literal only.
func (p *queuePump) forever(handle func(int) error) {
	tick := time.Tick(p.every)
	n := 0
	for range tick {
		n++
		func() {
			if err := handle(n); err != nil {
				log.Print(err)
				return
			}
		}()
	}
}

type pollWorker struct {
	every time.Duration
	poll  func(<-chan time.Time)
}

// Negative: one ticker per worker, made once before the endless loop of a
// function that never returns.
func superviseWorkers(workers []pollWorker, errs <-chan error) {
	for _, w := range workers {
		go w.poll(time.Tick(w.every))
	}
	for {
		log.Printf("worker failed: %v", <-errs)
	}
}

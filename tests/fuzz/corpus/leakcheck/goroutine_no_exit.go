// Cases for goroutine-no-exit: a go func literal ending in an endless for
// loop with no return, no break out of it and no ctx.Done() case never
// exits; any exit path is accepted.
package leakcheck

import (
	"context"
	"log"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

type gneMetric struct {
	name  string
	value float64
}

type gneSink interface {
	Write(batch []gneMetric) error
}

// A consumer with no way to be told to stop.
func startConsumer(in <-chan gneMetric, sink gneSink) {
	go func() { // want "goroutine-no-exit"
		for {
			m := <-in
			_ = sink.Write([]gneMetric{m})
		}
	}()
}

// The plain break leaves the select, not the loop.
func startFlusher(in <-chan gneMetric, sink gneSink, every time.Duration) {
	t := time.NewTicker(every)
	var batch []gneMetric
	go func() { // want "goroutine-no-exit"
		defer t.Stop()
		for {
			select {
			case m, ok := <-in:
				if !ok {
					break
				}
				batch = append(batch, m)
			case <-t.C:
				if len(batch) == 0 {
					break
				}
				if err := sink.Write(batch); err != nil {
					log.Printf("flush: %v", err)
				}
				batch = batch[:0]
			}
		}
	}()
}

// The labelled break leaves only the inner loop; the return belongs to the
// closure, not the goroutine.
func startAcceptor(ln net.Listener, handle func(net.Conn)) {
	go func() { // want "goroutine-no-exit"
		for {
		retry:
			for attempt := 0; attempt < 3; attempt++ {
				c, err := ln.Accept()
				if err != nil {
					time.Sleep(time.Second)
					continue
				}
				func() {
					if c == nil {
						return
					}
					handle(c)
				}()
				break retry
			}
		}
	}()
}

// A switch's break stays in the switch, continue stays in the loop, and a
// quit case that only logs is no way out either.
func startRebalancer(quit <-chan struct{}, moves <-chan int, apply func(int) error) {
	go func() { // want "goroutine-no-exit"
	loop:
		for {
			select {
			case <-quit:
				log.Print("rebalancer: quit requested")
			case mv := <-moves:
				switch err := apply(mv); {
				case err == nil:
					break
				default:
					log.Printf("move %d: %v", mv, err)
				}
				continue loop
			}
		}
	}()
}

// Negative: the context case returns.
func startConsumerCtx(ctx context.Context, in <-chan gneMetric, sink gneSink) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-in:
				_ = sink.Write([]gneMetric{m})
			}
		}
	}()
}

// Negative: a labelled break leaves the loop when quit is closed.
func startPinger(quit <-chan struct{}, conn net.Conn, every time.Duration) {
	t := time.NewTicker(every)
	go func() {
		defer conn.Close()
		defer t.Stop()
	loop:
		for {
			select {
			case <-quit:
				break loop
			case <-t.C:
				if _, err := conn.Write([]byte("ping\n")); err != nil {
					log.Printf("ping: %v", err)
				}
			}
		}
	}()
}

// Negative: the accept loop returns when the listener is closed.
func serveConns(ln net.Listener, handle func(net.Conn)) {
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
}

// Negative: the loop has a condition.
func pollWhile(running *atomic.Bool, poll func()) {
	go func() {
		for running.Load() {
			poll()
			time.Sleep(100 * time.Millisecond)
		}
	}()
}

// Negative: log.Fatal ends the process; where in doubt, stay silent.
func watchConfig(changes <-chan string, reload func(string) error) {
	go func() {
		for {
			path := <-changes
			if err := reload(path); err != nil {
				log.Fatalf("reload %s: %v", path, err)
			}
		}
	}()
}

// Negative: a receive from Done is an exit path even without a return.
func startJanitor(ctx context.Context, sweep func() int) {
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
				sweep()
			}
		}
	}()
}

// Negative: a plain break directly in the loop leaves it.
func drainReplies(replies <-chan string, got func(string) bool) {
	go func() {
		for {
			r, ok := <-replies
			if !ok || got(r) {
				break
			}
		}
	}()
}

var gneGoroutines atomic.Int64

// Negative: started once from init, it lives as long as the process.
func init() {
	go func() {
		for {
			gneGoroutines.Store(int64(runtime.NumGoroutine()))
			time.Sleep(10 * time.Second)
		}
	}()
}

var gneReporterOnce sync.Once

// Negative: sync.Once starts the reporter once per process.
func startReporter(report func()) {
	gneReporterOnce.Do(func() {
		go func() {
			for {
				time.Sleep(time.Minute)
				report()
			}
		}()
	})
}

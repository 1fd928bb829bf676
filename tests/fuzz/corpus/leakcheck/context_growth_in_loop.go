// Cases for context-growth-in-loop: a context assigned back to itself
// through context.WithX inside a loop is flagged; a fresh variable per
// iteration, an assignment made once, outside loops or in a func literal,
// and a range loop that only builds a context for later are not.
package leakcheck

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	userKey
	jobKey
	serverKey
)

type queueMessage struct {
	ID   string
	Body []byte
}

// Each message wraps the context of all the messages before it.
func consumeMessages(ctx context.Context, msgs <-chan queueMessage, handle func(context.Context, queueMessage)) {
	for msg := range msgs {
		ctx = context.WithValue(ctx, requestIDKey, msg.ID) // want "context-growth-in-loop"
		handle(ctx, msg)
	}
}

// Per-attempt timeouts stack up: each attempt's context is a child of the
// previous attempt's.
func fetchWithRetry(ctx context.Context, perAttempt time.Duration, fetch func(context.Context) error) error {
	var cancel context.CancelFunc
	for attempt := 0; attempt < 3; attempt++ {
		ctx, cancel = context.WithTimeout(ctx, perAttempt) // want "context-growth-in-loop"
		err := fetch(ctx)
		cancel()
		if err == nil {
			return nil
		}
		log.Printf("attempt %d: %v", attempt, err)
	}
	return errors.New("fetch: out of attempts")
}

type ctxJobRunner struct {
	ctx  context.Context
	stop chan struct{}
	jobs chan string
	run  func(context.Context, string)
}

// A context kept in a struct field grows for as long as the runner runs.
func (r *ctxJobRunner) loop() {
	for {
		select {
		case <-r.stop:
			return
		case id := <-r.jobs:
			r.ctx = context.WithValue(r.ctx, jobKey, id) // want "context-growth-in-loop"
			r.run(r.ctx, id)
		}
	}
}

type streamEvent struct {
	Kind, User string
}

// The break leaves the switch, not the loop: every auth event wraps again.
func serveStream(ctx context.Context, recv func() (streamEvent, error), handle func(context.Context, streamEvent)) error {
	for {
		ev, err := recv()
		if err != nil {
			return err
		}
		switch ev.Kind {
		case "auth":
			ctx = context.WithValue(ctx, userKey, ev.User) // want "context-growth-in-loop"
			break
		default:
			handle(ctx, ev)
		}
	}
}

// A deadline per batch item, each nested in the ones before.
func processBatch(ctx context.Context, items []string, budget time.Duration, do func(context.Context, string) error) error {
	for _, it := range items {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Now().Add(budget)) // want "context-growth-in-loop"
		err := do(ctx, it)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// Negative: a fresh context per message with :=.
func consumeFresh(ctx context.Context, msgs <-chan queueMessage, handle func(context.Context, queueMessage)) {
	for msg := range msgs {
		mctx := context.WithValue(ctx, requestIDKey, msg.ID)
		handle(mctx, msg)
	}
}

// Negative: declared in the loop, then wrapped: fresh each iteration.
func fetchEach(parent context.Context, urls []string, perURL time.Duration, fetch func(context.Context, string) error) {
	for _, u := range urls {
		ctx := parent
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, perURL)
		if err := fetch(ctx, u); err != nil {
			log.Printf("%s: %v", u, err)
		}
		cancel()
	}
}

// Negative: a loop that builds one context from a set of tags, used after.
func withTags(ctx context.Context, tags map[ctxKey]string) context.Context {
	for k, v := range tags {
		ctx = context.WithValue(ctx, k, v)
	}
	return ctx
}

// Negative: the context is wrapped once, on the way out of the loop.
func pickServer(ctx context.Context, servers []string, ping func(context.Context, string) error, use func(context.Context) error) error {
	for _, s := range servers {
		if err := ping(ctx, s); err != nil {
			continue
		}
		ctx = context.WithValue(ctx, serverKey, s)
		return use(ctx)
	}
	return errors.New("no server answers")
}

// Negative: outside any loop, as in a function taking an optional timeout.
func callWithOptionalTimeout(ctx context.Context, timeout time.Duration, call func(context.Context) error) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return call(ctx)
}

type ctxWorker struct {
	base context.Context
	run  func(context.Context, string)
}

// Negative: reset from the base context at the top of each iteration.
func (w *ctxWorker) serve(jobs <-chan string) {
	var ctx context.Context
	for id := range jobs {
		ctx = w.base
		ctx = context.WithValue(ctx, jobKey, id)
		w.run(ctx, id)
	}
}

type ctxTask struct {
	name string
	run  func(context.Context)
}

// Negative: each goroutine wraps its own copy, passed as an argument.
func runTasks(ctx context.Context, tasks []ctxTask) {
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Add(1)
		go func(ctx context.Context, t ctxTask) {
			defer wg.Done()
			ctx = context.WithValue(ctx, jobKey, t.name)
			t.run(ctx)
		}(ctx, t)
	}
	wg.Wait()
}

// Cases for lost-cancel: the cancel function of context.WithCancel,
// WithTimeout or WithDeadline dropped, or not called on some path.
package leakcheck

import (
	"context"
	"errors"
	"time"
)

func fetchURL(ctx context.Context, url string) error { return nil }

// The timeout's cancel is thrown away: the timer and the child context live
// until the deadline.
func fetchWithTimeout(parent context.Context, url string) error {
	ctx, _ := context.WithTimeout(parent, 5*time.Second) // want "lost-cancel"
	return fetchURL(ctx, url)
}

// The early return comes before the defer.
func fetchChecked(parent context.Context, url string) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "lost-cancel"
	if url == "" {
		return errors.New("empty url")
	}
	defer cancel()
	return fetchURL(ctx, url)
}

// One case of the switch forgets to cancel.
func runJob(parent context.Context, kind string) error {
	ctx, cancel := context.WithCancel(parent) // want "lost-cancel"
	switch kind {
	case "fast":
		err := fetchURL(ctx, "fast")
		cancel()
		return err
	case "slow":
		return fetchURL(ctx, "slow")
	}
	cancel()
	return nil
}

// A var declaration drops the deadline's cancel.
func fetchBy(parent context.Context, at time.Time) error {
	var ctx, _ = context.WithDeadline(parent, at) // want "lost-cancel"
	return fetchURL(ctx, "by")
}

// cancel is taken: the fix must pick another name.
func twoStage(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	sub, _ := context.WithTimeout(ctx, time.Second) // want "lost-cancel"
	return fetchURL(sub, "stage2")
}

// Reassigned with = : reported, but no fix (no variable to hold cancel).
func narrow(ctx context.Context) error {
	ctx, _ = context.WithTimeout(ctx, time.Second) // want "lost-cancel"
	return fetchURL(ctx, "narrow")
}

type session struct {
	ctx    context.Context
	cancel context.CancelFunc
	stop   func()
}

// Negative: defer cancel().
func fetchDeferred(parent context.Context, url string) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return fetchURL(ctx, url)
}

// Negative: cancel stored in a struct field, called by Close.
func (s *session) open(parent context.Context) {
	s.ctx, s.cancel = context.WithCancel(parent)
}

// Negative: stored in a field through its own variable.
func newSession(parent context.Context) *session {
	ctx, cancel := context.WithCancel(parent)
	return &session{ctx: ctx, cancel: cancel}
}

// Negative: returned to the caller.
func withBudget(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, d)
	return ctx, cancel
}

// Negative: a closure that calls cancel, kept by the session.
func (s *session) watch(parent context.Context, done <-chan struct{}) {
	ctx, cancel := context.WithCancel(parent)
	s.ctx = ctx
	s.stop = func() { cancel() }
}

// Negative: a goroutine calls it.
func cancelOnSignal(parent context.Context, sig <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		<-sig
		cancel()
	}()
	return ctx
}

// Negative: called on every branch of a switch.
func runEach(parent context.Context, kind string) error {
	ctx, cancel := context.WithCancel(parent)
	switch kind {
	case "a":
		err := fetchURL(ctx, "a")
		cancel()
		return err
	case "b":
		cancel()
		return nil
	default:
		cancel()
		return errors.New("unknown kind")
	}
}

// Negative: passed on, to a timer that cancels.
func expireLater(parent context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(parent)
	time.AfterFunc(d, cancel)
	return ctx
}

// Negative: a deferred func literal calls it.
func fetchAllOrFail(parent context.Context, urls []string) error {
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		cancel()
	}()
	for _, u := range urls {
		if err := fetchURL(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// Negative: an optional timeout; cancel is nil exactly when none was made.
func fetchMaybeBounded(ctx context.Context, d time.Duration) error {
	var cancel context.CancelFunc
	if d > 0 {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	err := fetchURL(ctx, "maybe")
	if cancel != nil {
		cancel()
	}
	return err
}

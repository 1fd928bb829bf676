// Cases for goroutine-blocked-send: a goroutine's send nobody receives.
package leakcheck

import (
	"context"
	"errors"
	"net/http"
	"time"
)

type result struct {
	body []byte
	err  error
}

func compute(n int) int { return n * n }

func fetchBody(url string) result { return result{body: []byte(url)} }

func withTimeout(n int, d time.Duration) (int, error) {
	ch := make(chan int)
	go func() {
		ch <- compute(n) // want "goroutine-blocked-send"
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(d):
		return 0, errors.New("timed out") // the sender waits forever
	}
}

func fetchCtx(ctx context.Context, url string) ([]byte, error) {
	done := make(chan result, 0)
	go func() {
		done <- fetchBody(url) // want "goroutine-blocked-send"
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		return r.body, r.err
	}
}

func validateThenWait(req *http.Request) error {
	errc := make(chan error)
	go func() {
		errc <- req.ParseForm() // want "goroutine-blocked-send"
	}()
	if req.Method != http.MethodPost {
		return errors.New("not a POST") // returns before receiving
	}
	return <-errc
}

func passedAsParameter(ctx context.Context, n int) int {
	out := make(chan int)
	go func(c chan<- int, v int) {
		c <- compute(v) // want "goroutine-blocked-send"
	}(out, n)
	select {
	case v := <-out:
		return v
	case <-ctx.Done():
		return -1
	}
}

func pollOnce(n int) (int, bool) {
	ch := make(chan int)
	go func() {
		ch <- compute(n) // want "goroutine-blocked-send"
	}()
	select {
	case v := <-ch:
		return v, true
	default:
		return 0, false // not ready: the sender waits forever
	}
}

func twoSends(ctx context.Context) (int, error) {
	ch := make(chan int, 1)
	go func() {
		ch <- 1
		ch <- 2 // want "goroutine-blocked-send"
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Negative: a buffered channel with room for the one send.
func buffered(ctx context.Context, n int) (int, error) {
	ch := make(chan int, 1)
	go func() {
		ch <- compute(n)
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Negative: received from on every path.
func waitAlways(n int) (int, error) {
	ch := make(chan int)
	go func() {
		ch <- compute(n)
	}()
	v := <-ch
	if v < 0 {
		return 0, errors.New("negative")
	}
	return v, nil
}

// Negative: every select case returns only after receiving.
func bothCasesReceive(n int) int {
	ch := make(chan int)
	go func() {
		ch <- compute(n)
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		v := <-ch
		return -v
	}
}

// Negative: the goroutine has its own way out.
func senderEscapes(ctx context.Context, n int) (int, error) {
	ch := make(chan int)
	go func() {
		select {
		case ch <- compute(n):
		case <-ctx.Done():
		}
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Negative: all the results are drained in a loop.
func fetchEvery(urls []string) []result {
	ch := make(chan result)
	for _, u := range urls {
		go func(u string) {
			ch <- fetchBody(u)
		}(u)
	}
	var out []result
	for range urls {
		out = append(out, <-ch)
	}
	return out
}

// Negative: ranged over until the sender closes it.
func rangeAll(n int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; i < n; i++ {
			ch <- compute(i)
		}
	}()
	sum := 0
	for v := range ch {
		sum += v
	}
	return sum
}

// Negative: the channel is returned; the caller receives.
func startCompute(n int) <-chan int {
	ch := make(chan int)
	go func() {
		ch <- compute(n)
	}()
	return ch
}

func receiveOne(ch <-chan int) int { return <-ch }

// Negative: the channel is handed to another function.
func handOff(n int) int {
	ch := make(chan int)
	go func() {
		ch <- compute(n)
	}()
	if n < 0 {
		return 0
	}
	return receiveOne(ch)
}

// Negative: a buffered channel as large as the work, not a literal.
func sized(ctx context.Context, jobs []int) error {
	errc := make(chan error, len(jobs))
	for _, j := range jobs {
		go func(j int) {
			errc <- nil
			_ = j
		}(j)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Negative: a deferred receive covers every return.
func deferredWait(n int) error {
	done := make(chan struct{})
	go func() {
		compute(n)
		done <- struct{}{}
	}()
	defer func() { <-done }()
	if n < 0 {
		return errors.New("negative")
	}
	return nil
}

// Negative: a receive in an if statement's initializer.
func initReceive(req *http.Request) error {
	errc := make(chan error)
	go func() {
		errc <- req.ParseForm()
	}()
	if err := <-errc; err != nil {
		return err
	}
	return nil
}

// Negative: one send on each path, and a buffer of one.
func readGreeting(ctx context.Context, read func() ([]byte, error)) error {
	errc := make(chan error, 1)
	go func() {
		b, err := read()
		if err != nil {
			errc <- err
			return
		}
		if len(b) == 0 {
			errc <- errors.New("empty greeting")
		} else {
			errc <- nil
		}
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-errc:
		return err
	}
}

// Negative: the goroutines trade on the channel among themselves.
func pingPong(n int) {
	ball := make(chan int)
	done := make(chan bool)
	for p := 0; p < 2; p++ {
		go func(first bool) {
			for i := 0; i < n; i++ {
				if first {
					ball <- i
					<-ball
				} else {
					<-ball
					ball <- i
				}
			}
			done <- true
		}(p == 0)
	}
	<-done
	<-done
}

// Negative: an event loop that receives until every worker reported,
// with continues that go round again rather than out.
func eventLoop(workers int, events <-chan int) error {
	errc := make(chan error)
	for i := 0; i < workers; i++ {
		go func() {
			errc <- nil
		}()
	}
	active := workers
	for {
		select {
		case e := <-events:
			if e < 0 {
				continue
			}
		case err := <-errc:
			active--
			if active == 0 {
				return err
			}
		}
	}
}

func retryUntil(ctx context.Context, n int) (int, error) {
	for attempt := 0; ; attempt++ {
		ch := make(chan int)
		go func() {
			ch <- compute(n) // want "goroutine-blocked-send"
		}()
		select {
		case v := <-ch:
			if v > 0 {
				return v, nil
			}
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// Negative: a loop that receives from the channel is taken to drain it,
// though its select also waits on another channel.
func collect(n int, quit <-chan struct{}) int {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	sum := 0
	for i := 0; i < n; i++ {
		select {
		case v := <-ch:
			sum += v
		case <-quit:
		}
	}
	return sum
}

func firstError(jobs []func() error) error {
	errc := make(chan error)
	for _, job := range jobs {
		go func(job func() error) {
			errc <- job() // want "goroutine-blocked-send"
		}(job)
	}
	for range jobs {
		if err := <-errc; err != nil {
			return err // the jobs not yet received from block forever
		}
	}
	return nil
}

// Negative: every result is received before the first error is returned.
func allErrors(jobs []func() error) error {
	errc := make(chan error)
	for _, job := range jobs {
		go func(job func() error) {
			errc <- job()
		}(job)
	}
	var first error
	for range jobs {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

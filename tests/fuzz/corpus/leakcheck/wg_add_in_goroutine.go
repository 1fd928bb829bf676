// Cases for wg-add-in-goroutine: X.Add inside the go func literal it counts
// races with X.Wait; Add before the go statement does not, nor does Add on
// something that is not shown to be a WaitGroup.
package leakcheck

import (
	"context"
	"expvar"
	"net/http"
	"sync"
	"sync/atomic"
)

type wgJob struct {
	id  int
	url string
}

func (j wgJob) run() error { return nil }

// The Add runs when the goroutine is scheduled: Wait may already be done.
func runPool(jobs <-chan wgJob, workers int) {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		go func() {
			wg.Add(1) // want "wg-add-in-goroutine"
			defer wg.Done()
			for j := range jobs {
				_ = j.run()
			}
		}()
	}
	wg.Wait()
}

type crawler struct {
	client *http.Client
	wg     sync.WaitGroup
	mu     sync.Mutex
	seen   map[string]bool
}

// The field's declared type is the evidence; Wait is in another method.
func (c *crawler) visit(url string) {
	go func() {
		c.wg.Add(1) // want "wg-add-in-goroutine"
		resp, err := c.client.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		c.mu.Lock()
		c.seen[url] = true
		c.mu.Unlock()
		c.wg.Done()
	}()
}

func (c *crawler) wait() { c.wg.Wait() }

// A fan-out whose results channel is closed after Wait: Wait can return
// before any fetcher ran, closing results under them.
func fetchAll(ctx context.Context, urls []string) []error {
	var wg sync.WaitGroup
	errs := make(chan error, len(urls))
	for _, u := range urls {
		go func(u string) {
			wg.Add(1) // want "wg-add-in-goroutine"
			defer wg.Done()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				errs <- err
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
		}(u)
	}
	go func() {
		wg.Wait()
		close(errs)
	}()
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

// WaitGroups handed in by pointer: the parameter list declares the type,
// and the Done is in a helper.
func startShards(shards [][]wgJob, started, finished *sync.WaitGroup, failed *int32) {
	for _, shard := range shards {
		go func(shard []wgJob) {
			started.Done()
			finished.Add(1) // want "wg-add-in-goroutine"
			runShard(shard, finished, failed)
		}(shard)
	}
}

func runShard(shard []wgJob, wg *sync.WaitGroup, failed *int32) {
	defer wg.Done()
	for _, j := range shard {
		if j.run() != nil {
			atomic.AddInt32(failed, 1)
		}
	}
}

// Negative: Add before the go statement, the fix.
func runPoolFixed(jobs <-chan wgJob, workers int) {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				_ = j.run()
			}
		}()
	}
	wg.Wait()
}

var wgRequests expvar.Int

// Negative: atomic and expvar counters have an Add method too.
func serveCounted(handlers chan http.Handler, inFlight *atomic.Int64) {
	for h := range handlers {
		go func(h http.Handler) {
			inFlight.Add(1)
			wgRequests.Add(1)
			defer inFlight.Add(-1)
			_ = h
		}(h)
	}
}

// Negative: a dispatcher goroutine counts the workers it starts, each Add
// before its go statement, while the caller's Add covers the dispatcher.
func dispatch(jobs <-chan wgJob) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range jobs {
			wg.Add(1)
			go func(j wgJob) {
				defer wg.Done()
				_ = j.run()
			}(j)
		}
	}()
	wg.Wait()
}

// Negative: the Add is in a retry callback, not the goroutine's own body.
func retried(wg *sync.WaitGroup, attempt func(func()) error, work func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = attempt(func() {
			wg.Add(1)
			defer wg.Done()
			work()
		})
	}()
	wg.Wait()
}

type wgStats struct {
	pending atomic.Int64
	total   atomic.Int64
}

// Negative: fields without WaitGroup evidence (no Done, no Wait, no type).
func (s *wgStats) track(done <-chan struct{}) {
	go func() {
		s.pending.Add(1)
		<-done
		s.pending.Add(-1)
		s.total.Add(1)
	}()
}

// Negative: suppressed on purpose, with a reason.
func warmup(wg *sync.WaitGroup, warm func()) {
	go func() {
		//heaplens:ignore wg-add-in-goroutine Wait runs only after Ready is signalled
		wg.Add(1)
		defer wg.Done()
		warm()
	}()
}

// Command escapes runs the access-log path of an HTTP middleware over a
// stream of synthetic requests. It demonstrates an escape-heavy hot path:
// entries returned by pointer, a closure capturing a large histogram, and
// fmt.Sprintf on every request. The live heap stays flat: only the most
// recent entries are kept.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"time"

	"heaplens.example/samples/internal/profiling"
)

type request struct {
	method, path, remote, agent string
	status, size                int
	latency                     time.Duration
}

type logEntry struct {
	req     request
	when    time.Time
	traceID uint64
	line    string
	slow    bool
}

// newEntry stamps a request with the time it was logged.
func newEntry(r *request, when time.Time, trace uint64) *logEntry {
	e := logEntry{req: *r, when: when, traceID: trace}
	return &e
}

// format renders the entry in combined log format.
func (e *logEntry) format() string {
	r := &e.req
	return fmt.Sprintf("%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" %q %.3f trace=%016x",
		r.remote, e.when.Format("02/Jan/2006:15:04:05 -0700"), r.method, r.path,
		r.status, r.size, r.agent, r.latency.Seconds(), e.traceID)
}

const (
	batchSize   = 256 // requests per latency batch
	bucketWidth = 10 * time.Microsecond
)

// histogram counts latencies in 10µs buckets up to ~160ms.
type histogram struct {
	buckets [16384]uint32
	n       int
}

func (h *histogram) percentile(p float64) time.Duration {
	want := int(float64(h.n) * p)
	seen := 0
	for i := range h.buckets {
		seen += int(h.buckets[i])
		if seen > want {
			return time.Duration(i) * bucketWidth
		}
	}
	return time.Duration(len(h.buckets)) * bucketWidth
}

// latencyTracker returns an observer for one batch, the batch's running
// percentiles, and a function that summarises what it saw.
func latencyTracker() (observe func(time.Duration), percentile func(float64) time.Duration, summary func() string) {
	var h histogram
	observe = func(d time.Duration) {
		i := int(d / bucketWidth)
		if i >= len(h.buckets) {
			i = len(h.buckets) - 1
		}
		h.buckets[i]++
		h.n++
	}
	summary = func() string {
		return fmt.Sprintf("n=%d · p50=%v · p99=%v", h.n, h.percentile(0.5), h.percentile(0.99))
	}
	return observe, h.percentile, summary
}

// recent keeps the last entries for the /debug/requests page.
type recent struct {
	entries []*logEntry
	next    int
}

func (rc *recent) add(e *logEntry) {
	rc.entries[rc.next] = e
	rc.next = (rc.next + 1) % len(rc.entries)
}

var recentRequests = &recent{entries: make([]*logEntry, 20000)}

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	batches := flag.Int("batches", 1250, "number of request batches to log")
	flag.Parse()

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "escapes:", err)
		os.Exit(1)
	}

	rng := rand.New(rand.NewSource(1))
	reqs := generate(rng, 4096)
	start := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	var sampled, slow int
	var last string
	for b := 0; b < *batches; b++ {
		observe, percentile, summary := latencyTracker()
		for i := 0; i < batchSize; i++ {
			n := b*batchSize + i
			r := &reqs[n%len(reqs)]
			e := newEntry(r, start.Add(time.Duration(n)*time.Millisecond), rng.Uint64())
			e.line = redact(e.format())
			recentRequests.add(e)
			observe(r.latency)
			if i >= 8 && r.latency > percentile(0.99) {
				e.slow = true
				slow++
			}
			if keep(e.line, 1000) {
				sampled++
			}
		}
		last = summary()
	}
	fmt.Printf("📊 logged %d requests, %d slow, sampled %d, last batch %s\n", *batches*batchSize, slow, sampled, last)

	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "escapes:", err)
		os.Exit(1)
	}
}

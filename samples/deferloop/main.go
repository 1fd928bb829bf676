// Command deferloop runs the ingest workers of a log-analytics service:
// each worker takes rotated access-log files from a queue and folds them
// into per-endpoint statistics. It demonstrates defer inside a loop: the
// deferred Close only runs when the worker returns, so every file a worker
// has read stays open, and its *os.File alive, for the worker's lifetime.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"sync"

	"heaplens.example/samples/internal/profiling"
)

type endpointStats struct {
	hits, errors, bots int
	bytes              int64
	latencyMs          [64]int // histogram in 8ms buckets
}

type ingester struct {
	mu    sync.Mutex
	stats map[string]*endpointStats
	files int
}

// run folds every file from queue into the shared statistics.
func (in *ingester) run(queue <-chan string, done *sync.WaitGroup) {
	local := map[string]*endpointStats{}
	for path := range queue {
		f, err := os.Open(path)
		if err != nil {
			fmt.Println("ingest:", err)
			done.Done()
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			parseLine(sc.Text(), local)
		}
		in.merge(local)
		for k := range local {
			delete(local, k)
		}
		done.Done()
	}
}

func (in *ingester) merge(local map[string]*endpointStats) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.files++
	for path, s := range local {
		t := in.stats[path]
		if t == nil {
			t = &endpointStats{}
			in.stats[path] = t
		}
		t.hits += s.hits
		t.errors += s.errors
		t.bots += s.bots
		t.bytes += s.bytes
		for i, n := range s.latencyMs {
			t.latencyMs[i] += n
		}
	}
}

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	files := flag.Int("files", 400, "number of log files to ingest")
	flag.Parse()

	dir, err := os.MkdirTemp("", "deferloop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "deferloop:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	paths, err := writeLogs(dir, *files, 192<<10)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deferloop:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deferloop:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	in := &ingester{stats: map[string]*endpointStats{}}
	queue := make(chan string)
	var workers, ingested sync.WaitGroup
	for i := 0; i < 4; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			in.run(queue, &ingested)
		}()
	}
	for _, p := range paths {
		ingested.Add(1)
		queue <- p
	}
	ingested.Wait()
	fmt.Printf("ingested %d files, %d endpoints\n", in.files, len(in.stats))

	// Profile while the workers wait for the next rotation.
	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "deferloop:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	close(queue)
	workers.Wait()
}

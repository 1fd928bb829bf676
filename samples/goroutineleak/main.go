// Command goroutineleak runs a quote aggregator that refreshes option
// prices from a slow pricing backend, giving every request a deadline.
// It demonstrates goroutines leaked after a timeout: when the deadline
// wins, fetch returns, and the goroutine it started stays blocked forever
// sending its result on an unbuffered channel nobody reads any more.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"heaplens.example/samples/internal/profiling"
)

type quote struct {
	Symbol string    `json:"symbol"`
	Spot   float64   `json:"spot"`
	Price  float64   `json:"price"`
	At     time.Time `json:"at"`
	// Boundary is the early-exercise boundary, one spot level per step.
	Boundary []float64 `json:"boundary"`
}

type quoteClient struct {
	backend *pricer
	timeout time.Duration
}

// fetch asks the backend for a quote, giving up after c.timeout.
func (c *quoteClient) fetch(ctx context.Context, sym string, spot float64) (quote, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	req, err := json.Marshal(quote{Symbol: sym, Spot: spot})
	if err != nil {
		return quote{}, err
	}
	result := make(chan []byte)
	go func() {
		result <- c.backend.handle(req)
	}()
	select {
	case resp := <-result:
		var q quote
		err := json.Unmarshal(resp, &q)
		return q, err
	case <-ctx.Done():
		return quote{}, fmt.Errorf("quote %s: %w", sym, ctx.Err())
	}
}

// refresh re-prices every symbol once with a pool of workers.
func refresh(ctx context.Context, c *quoteClient, symbols []string, spots map[string]float64, workers int) (ok, failed int) {
	jobs := make(chan string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sym := range jobs {
				_, err := c.fetch(ctx, sym, spots[sym])
				mu.Lock()
				if err != nil {
					failed++
				} else {
					ok++
				}
				mu.Unlock()
			}
		}()
	}
	for _, s := range symbols {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	return ok, failed
}

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	rounds := flag.Int("rounds", 96, "number of refresh rounds; every fourth one includes illiquid symbols")
	flag.Parse()

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "goroutineleak:", err)
		os.Exit(1)
	}

	var all, liquid []string
	spots := map[string]float64{}
	illiquid := map[string]bool{}
	for i := 0; i < 48; i++ {
		sym := fmt.Sprintf("OPT%02d", i)
		all = append(all, sym)
		spots[sym] = 80 + float64(i)
		if i%8 == 5 {
			illiquid[sym] = true
		} else {
			liquid = append(liquid, sym)
		}
	}
	client := &quoteClient{backend: &pricer{steps: 480, illiquid: illiquid}, timeout: 40 * time.Millisecond}

	ctx := context.Background()
	for r := 1; r <= *rounds; r++ {
		symbols := liquid
		if r%4 == 0 {
			symbols = all
		}
		ok, failed := refresh(ctx, client, symbols, spots, 8)
		fmt.Printf("round %d: %d quotes, %d timed out\n", r, ok, failed)
		if r == *rounds/2 {
			if err := rec.Snapshot(); err != nil {
				fmt.Fprintln(os.Stderr, "goroutineleak:", err)
				os.Exit(1)
			}
		}
	}
	// Give backend calls still in flight time to finish before profiling.
	time.Sleep(300 * time.Millisecond)

	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "goroutineleak:", err)
		os.Exit(1)
	}
}

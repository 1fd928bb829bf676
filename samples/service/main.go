// Command service is a small price API in front of an upstream pricing
// engine, with net/http/pprof mounted on the same loopback listener. It
// combines three leaks: quotes cached by request URI in a map that is
// never evicted, upstream calls abandoned after a timeout whose goroutines
// block forever on an unbuffered channel, and upstream error responses
// whose bodies are never closed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"heaplens.example/samples/internal/profiling"
)

// quote is what the canary checks in each answer.
type quote struct {
	SKU    string
	Net    float64
	Offers []struct {
		Region string
		Amount float64
	}
}

func (q *quote) valid() bool {
	if q.Net <= 0 || len(q.Offers) == 0 {
		return false
	}
	for _, o := range q.Offers {
		if o.Amount < q.Net {
			return false
		}
	}
	return true
}

// load sends n requests to the API from 8 clients, as a canary would, and
// counts failed or implausible answers.
func load(base string, n int, rng *rand.Rand) (errs int) {
	targets := make(chan string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range targets {
				var q quote
				resp, err := http.Get(base + t)
				if err == nil {
					if resp.StatusCode == http.StatusOK {
						err = json.NewDecoder(resp.Body).Decode(&q)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK || !q.valid() {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		t := fmt.Sprintf("/api/price?sku=SKU-%04d", rng.Intn(400))
		if i%4 == 0 { // links shared from the app carry a referral id
			t += fmt.Sprintf("&ref=%08x", rng.Uint32())
		}
		targets <- t
	}
	close(targets)
	wg.Wait()
	return errs
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "service:", err)
	os.Exit(1)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen on `host:port`")
	out := flag.String("out", "", "write profiles to `dir` after one load run, then exit")
	requests := flag.Int("requests", 4000, "requests per load run")
	repeat := flag.Duration("repeat", 0, "without -out: run the load again at this `interval` (0: once)")
	duration := flag.Duration("duration", 2*time.Minute, "exit after this long (without -out)")
	flag.Parse()

	stdout := log.New(os.Stdout, "", log.LstdFlags)
	engine := httptest.NewUnstartedServer(&pricingEngine{})
	engine.Config.ErrorLog = stdout
	engine.Start()

	a := &api{upstream: &upstream{http: &http.Client{}, base: engine.URL}, timeout: 80 * time.Millisecond}
	http.HandleFunc("/api/price", a.handlePrice)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fail(err)
	}
	srv := &http.Server{ErrorLog: stdout, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("listening on %s\n", ln.Addr())
	base := "http://" + ln.Addr().String()
	rng := rand.New(rand.NewSource(1))

	if *out == "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, *duration)
		defer cancel()
		go func() {
			for {
				stdout.Printf("load run: %d requests, %d errors", *requests, load(base, *requests, rng))
				if *repeat <= 0 {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(*repeat):
				}
			}
		}()
		<-ctx.Done()
		srv.Close()
		return
	}

	rec, err := profiling.Start(*out)
	if err != nil {
		fail(err)
	}
	errs := load(base, *requests/2, rng)
	if err := rec.Snapshot(); err != nil {
		fail(err)
	}
	errs += load(base, *requests-*requests/2, rng)
	stdout.Printf("load run: %d requests, %d errors, %d quotes cached", *requests, errs, len(quotes))
	time.Sleep(300 * time.Millisecond) // let abandoned upstream calls finish and park
	if err := rec.Stop(); err != nil {
		fail(err)
	}
	srv.Close()
}

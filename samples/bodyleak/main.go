// Command bodyleak runs the inventory sync of a shop against a supplier's
// stock API (a local test server here): it pages through each warehouse's
// stock and works out reorder quantities from the shop's sales history.
// It demonstrates an HTTP response body that is never closed: the client
// defers resp.Body.Close only after checking the status, so every error
// response keeps its connection, and the transport's goroutines for it,
// alive.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"

	"heaplens.example/samples/internal/profiling"
)

type stockItem struct {
	SKU      string `json:"sku"`
	OnHand   int    `json:"on_hand"`
	Reserved int    `json:"reserved"`
	Inbound  int    `json:"inbound"`
}

type stockPage struct {
	Warehouse string      `json:"warehouse"`
	Page      int         `json:"page"`
	Items     []stockItem `json:"items"`
}

// supplier serves /stock?warehouse=W&page=N and sheds load now and then.
func supplier() http.Handler {
	var served atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if served.Add(1)%7 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, `{"error":"overloaded","retry_after_ms":250}`)
			return
		}
		page := stockPage{Warehouse: r.URL.Query().Get("warehouse")}
		fmt.Sscan(r.URL.Query().Get("page"), &page.Page)
		for i := 0; i < 200; i++ {
			n := page.Page*200 + i
			page.Items = append(page.Items, stockItem{SKU: fmt.Sprintf("SKU-%05d", n%1000),
				OnHand: n * 7 % 120, Reserved: n % 9, Inbound: n * 3 % 40})
		}
		json.NewEncoder(w).Encode(page)
	})
}

type stockClient struct {
	http *http.Client
	base string
}

func (c *stockClient) page(warehouse string, n int) (*stockPage, error) {
	resp, err := c.http.Get(fmt.Sprintf("%s/stock?warehouse=%s&page=%d", c.base, warehouse, n))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("stock %s page %d: %s", warehouse, n, resp.Status)
	}
	defer resp.Body.Close()
	var p stockPage
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// forecast predicts the next 28 days of demand from daily sales with
// Holt's linear exponential smoothing, picking the smoothing factors that
// fit the history best.
func forecast(daily []float64) float64 {
	best, bestErr := 0.0, math.Inf(1)
	for _, alpha := range []float64{0.1, 0.3, 0.5} {
		for _, beta := range []float64{0.05, 0.2} {
			level, trend, sse := daily[0], 0.0, 0.0
			for _, x := range daily[1:] {
				e := x - (level + trend)
				sse += e * e
				prev := level
				level = alpha*x + (1-alpha)*(level+trend)
				trend = beta*(level-prev) + (1-beta)*trend
			}
			if sse < bestErr {
				best, bestErr = 28*level+406*trend, sse
			}
		}
	}
	return math.Max(best, 0)
}

func reorder(p *stockPage, sales map[string][]float64) (units int) {
	for _, it := range p.Items {
		need := forecast(sales[it.SKU]) - float64(it.OnHand-it.Reserved+it.Inbound)
		if need > 0 {
			units += int(math.Ceil(need))
		}
	}
	return units
}

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	pages := flag.Int("pages", 300, "stock pages to sync per warehouse")
	flag.Parse()

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bodyleak:", err)
		os.Exit(1)
	}

	srv := httptest.NewUnstartedServer(supplier())
	srv.Config.ErrorLog = log.New(os.Stdout, "supplier: ", 0)
	srv.Start()

	rng := rand.New(rand.NewSource(1))
	sales := map[string][]float64{}
	for i := 0; i < 1000; i++ {
		daily := make([]float64, 240)
		for d := range daily {
			daily[d] = math.Max(0, 3+2*math.Sin(float64(d)/58)+rng.NormFloat64())
		}
		sales[fmt.Sprintf("SKU-%05d", i)] = daily
	}

	client := &stockClient{http: &http.Client{}, base: srv.URL}
	var wg sync.WaitGroup
	var failed, units atomic.Int64
	for _, wh := range []string{"berlin", "lyon", "milan", "porto"} {
		wh := wh
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < *pages; n++ {
				p, err := client.page(wh, n)
				if err != nil {
					failed.Add(1)
					continue
				}
				units.Add(int64(reorder(p, sales)))
			}
		}()
	}
	wg.Wait()
	fmt.Printf("synced %d pages, %d failed, reorder %d units\n", 4**pages, failed.Load(), units.Load())

	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "bodyleak:", err)
		os.Exit(1)
	}
}

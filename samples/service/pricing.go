package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pricingEngine stands in for the upstream pricing service: it searches
// for the revenue-maximising price on a demand curve. Some catalogue
// ranges are slow, and under load it sheds requests with 503.
type pricingEngine struct {
	served atomic.Int64
}

func (e *pricingEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sku := r.URL.Query().Get("sku")
	if e.served.Add(1)%12 == 0 {
		http.Error(w, `{"error":"overloaded"}`, http.StatusServiceUnavailable)
		return
	}
	if strings.HasPrefix(sku, "SKU-039") {
		time.Sleep(150 * time.Millisecond) // archived range: cold storage lookup
	}
	cost := 20 + float64(len(sku)*7%80)
	json.NewEncoder(w).Encode(map[string]any{"sku": sku, "price": bestPrice(cost, 2.5*cost)})
}

// bestPrice searches net prices in cent steps between cost and 4×cost for
// the best expected margin over all regions, with demand in each falling
// off as (gross/ref)^4.
func bestPrice(cost, ref float64) float64 {
	best, bestMargin := cost, 0.0
	for p := cost; p < 4*cost; p += 0.01 {
		margin := 0.0
		for _, rg := range regions {
			x := p * (1 + rg.vat) / ref
			x2 := x * x
			margin += (p - cost) * rg.share * 1000 / (1 + x2*x2)
		}
		if margin > bestMargin {
			best, bestMargin = p, margin
		}
	}
	return best
}

// upstream is the client for the pricing engine.
type upstream struct {
	http *http.Client
	base string
}

func (u *upstream) price(sku string) (float64, error) {
	resp, err := u.http.Get(u.base + "/price?sku=" + sku)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("pricing %s: %s", sku, resp.Status)
	}
	defer resp.Body.Close()
	var v struct{ Price float64 }
	err = json.NewDecoder(resp.Body).Decode(&v)
	return v.Price, err
}

type priceResult struct {
	price float64
	err   error
}

// fetchPrice asks upstream for a price, waiting at most timeout.
func fetchPrice(ctx context.Context, u *upstream, sku string, timeout time.Duration) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan priceResult)
	go func() {
		p, err := u.price(sku)
		done <- priceResult{p, err}
	}()
	select {
	case r := <-done:
		return r.price, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

var (
	quoteMu sync.Mutex
	quotes  = map[string][]byte{} // rendered quotes by request URI
)

var regions = []struct {
	name       string
	vat, share float64
}{{"de", 0.19, 0.24}, {"fr", 0.20, 0.18}, {"it", 0.22, 0.14}, {"es", 0.21, 0.11},
	{"nl", 0.21, 0.07}, {"at", 0.20, 0.04}, {"be", 0.21, 0.05}, {"pl", 0.23, 0.07},
	{"se", 0.25, 0.03}, {"dk", 0.25, 0.02}, {"fi", 0.24, 0.02}, {"pt", 0.23, 0.03}}

type api struct {
	upstream *upstream
	timeout  time.Duration
}

func (a *api) handlePrice(w http.ResponseWriter, r *http.Request) {
	key := r.URL.RequestURI()
	quoteMu.Lock()
	body, ok := quotes[key]
	quoteMu.Unlock()
	if !ok {
		sku := r.URL.Query().Get("sku")
		net, err := fetchPrice(r.Context(), a.upstream, sku, a.timeout)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		type regional struct {
			Region, Gross, VAT, Delivery string
			Amount                       float64
		}
		var offers []regional
		for i, rg := range regions {
			offers = append(offers, regional{
				Region:   rg.name,
				Gross:    fmt.Sprintf("%.2f EUR", net*(1+rg.vat)),
				VAT:      fmt.Sprintf("%.0f%%", rg.vat*100),
				Delivery: fmt.Sprintf("%d-%d working days", 1+i%3, 3+i%4),
				Amount:   net * (1 + rg.vat),
			})
		}
		body, _ = json.Marshal(map[string]any{"sku": sku, "net": net, "offers": offers, "at": time.Now()})
		quoteMu.Lock()
		quotes[key] = body
		quoteMu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

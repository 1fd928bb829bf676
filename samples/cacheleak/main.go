// Command cacheleak serves product pages from a catalogue, caching each
// rendered page by its request URI. It demonstrates an unbounded cache: a
// package-level map that is never evicted, whose keys include tracking
// parameters, so the live heap grows with every campaign click.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand"
	"net/http"
	"os"
	"strconv"
	"sync"

	"heaplens.example/samples/internal/profiling"
)

var (
	pageMu sync.RWMutex
	pages  = map[string][]byte{} // rendered pages by request URI
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func cachedPage(key string) ([]byte, bool) {
	pageMu.RLock()
	defer pageMu.RUnlock()
	page, ok := pages[key]
	return page, ok
}

func storePage(key string, page []byte) {
	pageMu.Lock()
	// Keep a copy: page belongs to a pooled buffer.
	pages[key] = append([]byte(nil), page...)
	pageMu.Unlock()
}

func renderPage(w io.Writer, p *product, rel []*product) {
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>%s</h1>\n", html.EscapeString(p.Name), html.EscapeString(p.Name))
	fmt.Fprintf(w, "<p class=price>%.2f EUR</p>\n<p>%s</p>\n<ul class=related>\n", p.Price, html.EscapeString(p.Description))
	for _, r := range rel {
		fmt.Fprintf(w, "<li><a href=\"/product?id=%d\">%s</a> %.2f EUR</li>\n", r.ID, html.EscapeString(r.Name), r.Price)
	}
	io.WriteString(w, "</ul>\n")
}

func handleProduct(w http.ResponseWriter, r *http.Request) {
	key := r.URL.RequestURI()
	if page, ok := cachedPage(key); ok {
		w.Write(page)
		return
	}
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil || id < 0 || id >= len(catalogue) {
		http.NotFound(w, r)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	p := &catalogue[id]
	renderPage(buf, p, related(p, 8))
	storePage(key, buf.Bytes())
	w.Write(buf.Bytes())
}

// discardWriter is the load generator's ResponseWriter: it keeps the
// status and counts the bytes.
type discardWriter struct {
	header http.Header
	status int
	bytes  int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(b []byte) (int, error) { w.bytes += len(b); return len(b), nil }

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	requests := flag.Int("requests", 72000, "number of page requests to serve")
	flag.Parse()

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cacheleak:", err)
		os.Exit(1)
	}

	rng := rand.New(rand.NewSource(1))
	loadCatalogue(rng, 3000)
	handler := http.HandlerFunc(handleProduct)
	served := 0
	for i := 1; i <= *requests; i++ {
		// Most traffic is for a few hundred popular products; a quarter
		// of it arrives from a newsletter with per-click tracking.
		target := fmt.Sprintf("/product?id=%d", rng.Intn(300))
		if i%4 == 0 {
			target = fmt.Sprintf("/product?id=%d&utm_source=newsletter&click=%x", rng.Intn(len(catalogue)), rng.Uint64())
		}
		req, err := http.NewRequest("GET", target, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cacheleak:", err)
			os.Exit(1)
		}
		w := &discardWriter{header: http.Header{}, status: http.StatusOK}
		handler.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			fmt.Printf("GET %s: %d\n", target, w.status)
		}
		served += w.bytes
		if i == *requests/2 {
			if err := rec.Snapshot(); err != nil {
				fmt.Fprintln(os.Stderr, "cacheleak:", err)
				os.Exit(1)
			}
		}
	}
	fmt.Printf("served %d requests (%d bytes), %d pages cached\n", *requests, served, len(pages))

	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "cacheleak:", err)
		os.Exit(1)
	}
}

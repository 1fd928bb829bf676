package main

import (
	"fmt"
	"math/rand"
	"time"
)

var (
	methods = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	paths   = []string{"/api/v1/orders?page=%d&per_page=50", "/api/v1/orders/%d", "/api/v1/users/%d/cart?session=9f2c41d07be5",
		"/healthz", "/static/app.%d.js", "/oauth/callback?code=%d&state=xyz&access_token=eyJhbGciOi"}
	agents = []string{"Mozilla/5.0 (X11; Linux x86_64)", "curl/7.88.1", "Go-http-client/1.1", "okhttp/4.10.0"}
)

func generate(rng *rand.Rand, n int) []request {
	reqs := make([]request, n)
	for i := range reqs {
		reqs[i] = request{
			method:  methods[rng.Intn(len(methods))],
			path:    fmt.Sprintf(paths[rng.Intn(len(paths))], rng.Intn(100000)),
			remote:  fmt.Sprintf("10.%d.%d.%d", rng.Intn(256), rng.Intn(256), rng.Intn(256)),
			agent:   agents[rng.Intn(len(agents))],
			status:  []int{200, 200, 200, 201, 304, 404, 500}[rng.Intn(7)],
			size:    rng.Intn(64 << 10),
			latency: time.Duration(rng.ExpFloat64() * float64(8*time.Millisecond)),
		}
	}
	return reqs
}

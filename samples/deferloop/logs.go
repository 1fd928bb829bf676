package main

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
)

// writeLogs creates n rotated log files of about size bytes each in dir.
func writeLogs(dir string, n, size int) ([]string, error) {
	rng := rand.New(rand.NewSource(1))
	methods := []string{"GET", "GET", "GET", "POST", "DELETE"}
	agents := []string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"okhttp/4.12.0",
	}
	var paths []string
	for i := 0; i < n; i++ {
		path := filepath.Join(dir, fmt.Sprintf("access.log.%d", i))
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		w := bufio.NewWriter(f)
		for written := 0; written < size; {
			k, _ := fmt.Fprintf(w, "%s /api/v2/items/%d %d %d %d %s\n", methods[rng.Intn(len(methods))],
				rng.Intn(40), []int{200, 200, 200, 204, 404, 503}[rng.Intn(6)], rng.Intn(1<<16),
				int(rng.ExpFloat64()*40), agents[rng.Intn(len(agents))])
			written += k
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// Command cancelleak runs the thumbnail workers of an image service: each
// job gets its own deadline derived from the service's long-lived
// context. It demonstrates a lost cancel: the CancelFunc from
// context.WithTimeout is only called when validation fails, so every
// successful job leaves its timer and its child context registered with
// the parent until the deadline, long after the job is done.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"time"

	"heaplens.example/samples/internal/profiling"
)

const jobTimeout = 5 * time.Minute

type image struct {
	w, h int
	pix  []byte // 8-bit grey, row-major
}

type job struct {
	id     int
	src    *image
	width  int
	height int
}

type worker struct {
	base context.Context
	done int
}

var errBadSize = errors.New("bad thumbnail size")

func (w *worker) validate(j *job) error {
	if j.width <= 0 || j.height <= 0 || j.width > j.src.w || j.height > j.src.h {
		return fmt.Errorf("job %d: %w %dx%d", j.id, errBadSize, j.width, j.height)
	}
	return nil
}

func (w *worker) process(j *job) (*image, error) {
	ctx, cancel := context.WithTimeout(w.base, jobTimeout)
	if err := w.validate(j); err != nil {
		cancel()
		return nil, err
	}
	return thumbnail(ctx, j.src, j.width, j.height)
}

// thumbnail scales src down with a box filter, checking ctx between rows.
func thumbnail(ctx context.Context, src *image, w, h int) (*image, error) {
	dst := &image{w: w, h: h, pix: make([]byte, w*h)}
	for y := 0; y < h; y++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		y0, y1 := y*src.h/h, (y+1)*src.h/h
		for x := 0; x < w; x++ {
			x0, x1 := x*src.w/w, (x+1)*src.w/w
			sum := 0
			for sy := y0; sy < y1; sy++ {
				row := src.pix[sy*src.w : (sy+1)*src.w]
				for sx := x0; sx < x1; sx++ {
					sum += int(row[sx])
				}
			}
			dst.pix[y*w+x] = byte(sum / ((y1 - y0) * (x1 - x0)))
		}
	}
	return dst, nil
}

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	jobs := flag.Int("jobs", 18000, "number of thumbnail jobs")
	flag.Parse()

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cancelleak:", err)
		os.Exit(1)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	rng := rand.New(rand.NewSource(1))
	sources := make([]*image, 8)
	for i := range sources {
		img := &image{w: 320, h: 240, pix: make([]byte, 320*240)}
		rng.Read(img.pix)
		sources[i] = img
	}

	queue := make(chan *job, 64)
	var wg, finished sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for i := 0; i < 4; i++ {
		w := &worker{base: ctx}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				if _, err := w.process(j); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				} else {
					w.done++
				}
				finished.Done()
			}
		}()
	}
	sizes := [][2]int{{64, 48}, {128, 96}, {160, 120}, {0, 0}, {96, 72}}
	for i := 0; i < *jobs; i++ {
		size := sizes[rng.Intn(len(sizes))]
		finished.Add(1)
		queue <- &job{id: i, src: sources[i%len(sources)], width: size[0], height: size[1]}
	}
	finished.Wait()
	fmt.Printf("%d thumbnails, %d rejected\n", *jobs-failed, failed)

	// Profile while the service context is still alive.
	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "cancelleak:", err)
		os.Exit(1)
	}
	close(queue)
	wg.Wait()
}

// Command tickerleak runs the session side of a telemetry relay: each
// session decodes frames of sensor readings, reconnects to its upstream
// now and then, and waits for it to come back healthy. It demonstrates
// timers that outlive their use: a time.NewTicker per health wait that is
// never stopped, and time.After in a select loop, which allocates a fresh
// timer for every frame that lives until the idle timeout.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"heaplens.example/samples/internal/profiling"
)

const idleTimeout = 2 * time.Minute

type upstream struct {
	name      string
	restarted atomic.Int64 // unix nanoseconds of the last restart
}

func (u *upstream) restart() { u.restarted.Store(time.Now().UnixNano()) }

func (u *upstream) healthy() bool {
	return time.Since(time.Unix(0, u.restarted.Load())) > 15*time.Millisecond
}

// waitHealthy polls u until it reports healthy or the deadline passes.
func waitHealthy(u *upstream, deadline time.Duration) bool {
	poll := time.NewTicker(5 * time.Millisecond)
	give := time.Now().Add(deadline)
	for !u.healthy() {
		if time.Now().After(give) {
			return false
		}
		<-poll.C
	}
	return true
}

type stats struct {
	frames, readings int
	sum              int64
	max              int32
}

type session struct {
	id       int
	inbox    chan []byte
	relayed  *sync.WaitGroup // done once per frame handled
	upstream *upstream
	stats    stats
}

func (s *session) serve() {
	for {
		select {
		case frame, ok := <-s.inbox:
			if !ok {
				return
			}
			readings := decodeFrame(frame)
			s.stats.frames++
			s.stats.readings += len(readings)
			for _, r := range readings {
				s.stats.sum += int64(r)
				if r > s.stats.max {
					s.stats.max = r
				}
			}
			if s.stats.frames%200 == 0 {
				s.upstream.restart()
				if !waitHealthy(s.upstream, time.Second) {
					fmt.Printf("session %d: upstream %s did not come back\n", s.id, s.upstream.name)
				}
			}
			s.relayed.Done()
		case <-time.After(idleTimeout):
			fmt.Printf("session %d: idle, closing\n", s.id)
			return
		}
	}
}

func main() {
	out := flag.String("out", "", "write profiles to `dir`")
	frames := flag.Int("frames", 4000, "frames to relay per session")
	flag.Parse()

	rec, err := profiling.Start(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tickerleak:", err)
		os.Exit(1)
	}

	rng := rand.New(rand.NewSource(1))
	corpus := make([][]byte, 64)
	for i := range corpus {
		corpus[i] = encodeFrame(rng, 2000)
	}

	var wg, relayed sync.WaitGroup
	sessions := make([]*session, 16)
	for i := range sessions {
		s := &session{id: i, inbox: make(chan []byte, 16), relayed: &relayed,
			upstream: &upstream{name: fmt.Sprintf("ingest-%d", i%4)}}
		sessions[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.serve()
		}()
	}
	for f := 0; f < *frames; f++ {
		for i, s := range sessions {
			relayed.Add(1)
			s.inbox <- corpus[(f+i)%len(corpus)]
		}
	}
	relayed.Wait()
	total := 0
	for _, s := range sessions {
		total += s.stats.readings
	}
	fmt.Printf("relayed %d frames, %d readings\n", *frames*len(sessions), total)

	// Profile while the sessions are still open and idle.
	if err := rec.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "tickerleak:", err)
		os.Exit(1)
	}
	for _, s := range sessions {
		close(s.inbox)
	}
	wg.Wait()
}

// Cases for defer-in-loop: a defer lexically inside a for loop of its own
// function is flagged; one inside a func literal called per iteration is not.
package leakcheck

import (
	"bufio"
	"os"
	"sync"
)

func countLines(paths []string) (int, error) {
	total := 0
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return 0, err
		}
		defer f.Close() // want "defer-in-loop"
		s := bufio.NewScanner(f)
		for s.Scan() {
			total++
		}
	}
	return total, nil
}

func lockedLoop(mu *sync.Mutex, items []int) int {
	sum := 0
	for i := 0; i < len(items); i++ {
		mu.Lock()
		defer mu.Unlock() // want "defer-in-loop"
		sum += items[i]
	}
	return sum
}

func nestedLoops(grid [][]string) {
	for _, row := range grid {
		for _, name := range row {
			if f, err := os.Create(name); err == nil {
				defer f.Close() // want "defer-in-loop"
			}
		}
	}
}

func endlessWorker(jobs <-chan string) {
	for {
		name, ok := <-jobs
		if !ok {
			return
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		defer func() { _ = f.Close() }() // want "defer-in-loop"
	}
}

// Negative: the defer runs when each iteration's closure returns.
func perIteration(paths []string) {
	for _, p := range paths {
		func() {
			f, err := os.Open(p)
			if err != nil {
				return
			}
			defer f.Close()
		}()
	}
}

// Negative: a defer before the loop.
func beforeLoop(mu *sync.Mutex, items []int) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for range items {
		n++
	}
	return n
}

// Negative: a goroutine per iteration defers in its own function.
func fanOut(wg *sync.WaitGroup, items []int, out chan<- int) {
	for _, it := range items {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			out <- v * 2
		}(it)
	}
}

// Negative: a named helper called in the loop holds the defer.
func viaHelper(paths []string) {
	for _, p := range paths {
		touch(p)
	}
}

func touch(p string) {
	f, err := os.Open(p)
	if err != nil {
		return
	}
	defer f.Close()
}

// Negative: suppressed on purpose, with a reason.
func suppressed(paths []string) {
	for _, p := range paths[:2] {
		f, _ := os.Open(p)
		//heaplens:ignore defer-in-loop at most two files, closed on return
		defer f.Close()
	}
}

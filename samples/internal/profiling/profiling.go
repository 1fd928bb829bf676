// Package profiling writes the profiles the sample programs leave behind
// for heaplens: CPU, heap, allocs and goroutine profiles plus goroutine
// dumps, all with runtime/pprof, into the directory given by -out.
package profiling

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

func init() {
	// Sample roughly every 4 KiB allocated instead of every 512 KiB,
	// so that even modest allocation sites show up in the heap profiles.
	runtime.MemProfileRate = 4096
}

// Recorder collects the profiles of one run. A Recorder with an empty
// directory does nothing, so programs can run without -out.
type Recorder struct {
	dir string
	cpu *os.File
}

// Start begins CPU profiling into dir/cpu.pb.gz.
func Start(dir string) (*Recorder, error) {
	r := &Recorder{dir: dir}
	if dir == "" {
		return r, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "cpu.pb.gz"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	r.cpu = f
	return r, nil
}

// Snapshot writes heap-base.pb.gz and goroutine-base.txt, an early view
// to compare the final profiles against.
func (r *Recorder) Snapshot() error {
	if r.dir == "" {
		return nil
	}
	runtime.GC()
	if err := r.write("heap", "heap-base.pb.gz", 0); err != nil {
		return err
	}
	return r.write("goroutine", "goroutine-base.txt", 2)
}

// Stop ends CPU profiling and writes the final heap, allocs and goroutine
// profiles and the goroutine dumps.
func (r *Recorder) Stop() error {
	if r.dir == "" {
		return nil
	}
	pprof.StopCPUProfile()
	if err := r.cpu.Close(); err != nil {
		return err
	}
	runtime.GC()
	for _, p := range []struct {
		name, file string
		debug      int
	}{
		{"heap", "heap.pb.gz", 0},
		{"allocs", "allocs.pb.gz", 0},
		{"goroutine", "goroutine.pb.gz", 0},
		{"goroutine", "goroutine.txt", 2},
		{"goroutine", "goroutine-debug1.txt", 1},
	} {
		if err := r.write(p.name, p.file, p.debug); err != nil {
			return err
		}
	}
	return nil
}

func (r *Recorder) write(profile, file string, debug int) error {
	p := pprof.Lookup(profile)
	if p == nil {
		return fmt.Errorf("no %s profile", profile)
	}
	f, err := os.Create(filepath.Join(r.dir, file))
	if err != nil {
		return err
	}
	if err := p.WriteTo(f, debug); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return f.Close()
}

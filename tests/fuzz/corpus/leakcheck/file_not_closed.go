// Cases for file-not-closed: an *os.File some path leaves open.
package leakcheck

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
)

type config struct{ Name string }

func loadConfig(path string) (*config, error) {
	f, err := os.Open(path) // want "file-not-closed"
	if err != nil {
		return nil, err
	}
	var c config
	if err := json.NewDecoder(bufio.NewReader(strings.NewReader("{}"))).Decode(&c); err != nil {
		return nil, err
	}
	_ = f.Name()
	return &c, nil
}

func firstLine(path string) (string, error) {
	f, err := os.Open(path) // want "file-not-closed"
	if err != nil {
		return "", err
	}
	buf := make([]byte, 64)
	n, err := f.Read(buf)
	if err != nil {
		return "", err // leaves f open
	}
	f.Close()
	return string(buf[:n]), nil
}

func touchAll(paths []string) {
	for _, p := range paths {
		os.Create(p) // want "file-not-closed"
	}
}

func appendLog(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644) // want "file-not-closed"
	if err != nil {
		return err
	}
	switch {
	case line == "":
		return errors.New("empty line")
	default:
		_, err = f.WriteString(line)
	}
	f.Close()
	return err
}

func discard(path string) error {
	_, err := os.Open(path) // want "file-not-closed"
	return err
}

// Negative: defer Close after the error check.
func readAll(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Negative: returned to the caller, who closes it.
func openForCaller(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Negative: closed on every branch of a switch.
func writeMode(path string, mode int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	switch mode {
	case 0:
		f.Close()
		return nil
	case 1:
		_, err = f.WriteString("one")
		f.Close()
		return err
	default:
		return f.Close()
	}
}

// Negative: handed to a helper that closes it.
func countWithHelper(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	return countAndClose(f)
}

func countAndClose(f *os.File) (int, error) {
	defer f.Close()
	n := 0
	s := bufio.NewScanner(f)
	for s.Scan() {
		n++
	}
	return n, s.Err()
}

// Negative: stored in a struct that owns it.
type logger struct{ out *os.File }

func newLogger(path string) (*logger, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	l := &logger{}
	l.out = f
	return l, nil
}

// Negative: a closure that closes it, deferred.
func withCleanup(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil {
			println(cerr.Error())
		}
	}()
	_, err = f.Stat()
	return err
}

// Negative: the program ends on the failing path.
func mustOpen(path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	return f
}

// Negative: closed in a loop that opens one file per iteration.
func sizes(paths []string) (total int64) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if st, err := f.Stat(); err == nil {
			total += st.Size()
		}
		f.Close()
	}
	return total
}

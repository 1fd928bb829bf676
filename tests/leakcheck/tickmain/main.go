// A package main case for tick-leak: a ticker made in package main serves
// the program, and is not flagged even in a function that returns.
package main

import (
	"fmt"
	"os"
	"time"
)

// status polls until ready and returns; in a command that is the program.
func status(ready func() bool) bool {
	tick := time.Tick(100 * time.Millisecond)
	for i := 0; i < 50; i++ {
		<-tick
		if ready() {
			return true
		}
	}
	return false
}

func main() {
	start := time.Now()
	if !status(func() bool { return time.Since(start) > time.Second }) {
		fmt.Fprintln(os.Stderr, "not ready")
		os.Exit(1)
	}
}

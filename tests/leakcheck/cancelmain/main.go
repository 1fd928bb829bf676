// A package main case for lost-cancel and ticker-not-stopped: when main.main
// returns the program ends, so what it leaves running is not flagged; the
// other functions of package main are checked as anywhere else.
package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// ping is a helper of the command: it can run many times.
func ping(parent context.Context, addr string) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "lost-cancel"
	return dial(ctx, addr)
}

func dial(ctx context.Context, addr string) error {
	if addr == "" {
		return fmt.Errorf("no address")
	}
	return ctx.Err()
}

func main() {
	ctx, _ := context.WithTimeout(context.Background(), time.Minute)
	progress := time.NewTicker(time.Second)
	for _, addr := range os.Args[1:] {
		select {
		case <-progress.C:
			fmt.Fprintln(os.Stderr, "still pinging")
		default:
		}
		if err := ping(ctx, addr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

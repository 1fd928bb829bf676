// Cases for range-never-closed: a goroutine ranging over a channel that its
// maker never closes blocks in the range forever; close(ch) anywhere in the
// function, or handing the channel on, counts as handled.
package leakcheck

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"sync"
)

type rncOrder struct {
	id    int64
	total int64
}

type rncStore interface {
	Save(ctx context.Context, o rncOrder) error
}

// The writer goroutine outlives every call: nobody closes orders.
func importOrders(ctx context.Context, store rncStore, batch []rncOrder) {
	orders := make(chan rncOrder, 64)
	go func() {
		for o := range orders { // want "range-never-closed"
			if err := store.Save(ctx, o); err != nil {
				log.Printf("save order %d: %v", o.id, err)
			}
		}
	}()
	for _, o := range batch {
		orders <- o
	}
}

// Handed to the goroutine as an argument: still this function's channel.
func indexRows(db *sql.DB, ids []int64, index func(string)) error {
	names := make(chan string)
	go func(shard int, in <-chan string) {
		for name := range in { // want "range-never-closed"
			index(fmt.Sprintf("%d/%s", shard, name))
		}
	}(len(ids)%8, names)
	for _, id := range ids {
		var name string
		if err := db.QueryRow("SELECT name FROM items WHERE id = ?", id).Scan(&name); err != nil {
			return err
		}
		names <- name
	}
	return nil
}

// A worker pool with var ch = make(...): every worker stays in its range.
func resizeAll(paths []string, workers int, resize func(string) error) {
	var jobs = make(chan string, workers)
	for i := 0; i < workers; i++ {
		go func() {
			for p := range jobs { // want "range-never-closed"
				if err := resize(p); err != nil {
					log.Printf("resize %s: %v", p, err)
				}
			}
		}()
	}
	for _, p := range paths {
		jobs <- p
	}
}

type rncCache struct {
	mu   sync.Mutex
	data map[string][]byte
}

// A fan-in stage: only len and sends touch the channel, and the select
// send is no close either.
func (c *rncCache) warm(ctx context.Context, keys []string, load func(string) []byte) int {
	loaded := make(chan string, len(keys))
	go func() {
		for k := range loaded { // want "range-never-closed"
			log.Printf("warmed %s", k)
		}
	}()
	for _, k := range keys {
		v := load(k)
		c.mu.Lock()
		c.data[k] = v
		c.mu.Unlock()
		select {
		case loaded <- k:
		case <-ctx.Done():
			return len(loaded)
		}
	}
	return len(keys)
}

// Negative: the producer closes the channel when it is done.
func importOrdersClosed(ctx context.Context, store rncStore, batch []rncOrder) {
	orders := make(chan rncOrder, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for o := range orders {
			_ = store.Save(ctx, o)
		}
	}()
	for _, o := range batch {
		orders <- o
	}
	close(orders)
	wg.Wait()
}

// Negative: a second goroutine closes it, in a pipeline.
func pipeline(ctx context.Context, src []int, sink func(int)) {
	squares := make(chan int)
	go func() {
		defer close(squares)
		for _, v := range src {
			select {
			case squares <- v * v:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		for sq := range squares {
			sink(sq)
		}
	}()
}

// Negative: handed to a producer helper, which may close it.
func tailLog(ctx context.Context, path string, follow func(context.Context, string, chan<- string), emit func(string)) {
	lines := make(chan string, 128)
	go follow(ctx, path, lines)
	go func() {
		for l := range lines {
			emit(l)
		}
	}()
}

type rncBroker struct {
	mu   sync.Mutex
	subs map[string]chan string
}

// Negative: stored in a map; Unsubscribe closes it.
func (b *rncBroker) Subscribe(topic string, deliver func(string)) {
	ch := make(chan string, 16)
	b.mu.Lock()
	b.subs[topic] = ch
	b.mu.Unlock()
	go func() {
		for msg := range ch {
			deliver(msg)
		}
	}()
}

func (b *rncBroker) Unsubscribe(topic string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ch, ok := b.subs[topic]; ok {
		close(ch)
		delete(b.subs, topic)
	}
}

// Negative: returned to the caller, who owns closing it.
func startSink(write func(string)) chan<- string {
	in := make(chan string)
	go func() {
		for s := range in {
			write(s)
		}
	}()
	return in
}

// Negative: the channel is a parameter; its owner closes it.
func drainInto(events <-chan string, record func(string)) {
	go func() {
		for ev := range events {
			record(ev)
		}
	}()
}

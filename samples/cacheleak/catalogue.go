package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
)

type product struct {
	ID          int
	Name        string
	Description string
	Price       float64
	Features    [32]float32
}

var catalogue []product

// related returns the n products whose features are closest to p's.
func related(p *product, n int) []*product {
	type scored struct {
		p     *product
		score float32
	}
	best := make([]scored, 0, n+1)
	for i := range catalogue {
		q := &catalogue[i]
		if q.ID == p.ID {
			continue
		}
		var dot float32
		for k := range p.Features {
			dot += p.Features[k] * q.Features[k]
		}
		if len(best) == n && dot <= best[n-1].score {
			continue
		}
		best = append(best, scored{q, dot})
		sort.Slice(best, func(a, b int) bool { return best[a].score > best[b].score })
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]*product, len(best))
	for i, s := range best {
		out[i] = s.p
	}
	return out
}

func loadCatalogue(rng *rand.Rand, n int) {
	words := []string{"steel", "kettle", "organic", "cotton", "wireless", "charger", "oak", "desk", "lamp", "ceramic", "mug", "travel"}
	catalogue = make([]product, n)
	for i := range catalogue {
		p := &catalogue[i]
		p.ID = i
		p.Name = fmt.Sprintf("%s %s %d", words[rng.Intn(len(words))], words[rng.Intn(len(words))], i)
		var d bytes.Buffer
		for d.Len() < 1200 {
			d.WriteString(words[rng.Intn(len(words))])
			d.WriteByte(' ')
		}
		p.Description = d.String()
		p.Price = float64(rng.Intn(20000)) / 100
		for k := range p.Features {
			p.Features[k] = rng.Float32()
		}
	}
}

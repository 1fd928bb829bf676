package main

import (
	"encoding/json"
	"math"
	"time"
)

// pricer stands in for the remote pricing service. Like the real one it
// speaks JSON, and illiquid symbols take much longer to answer.
type pricer struct {
	steps    int
	illiquid map[string]bool
}

func (p *pricer) handle(req []byte) []byte {
	var q quote
	if err := json.Unmarshal(req, &q); err != nil {
		return []byte(`{"error":"bad request"}`)
	}
	if p.illiquid[q.Symbol] {
		time.Sleep(120 * time.Millisecond)
	} else {
		time.Sleep(time.Millisecond)
	}
	q.Price, q.Boundary = americanPut(q.Spot, 100, 0.03, 0.25, 0.5, p.steps)
	q.At = time.Now()
	resp, _ := json.Marshal(q)
	return resp
}

// americanPut prices an American put with the Cox-Ross-Rubinstein model
// and reports the highest spot at which early exercise pays, per step.
func americanPut(spot, strike, rate, vol, years float64, steps int) (float64, []float64) {
	dt := years / float64(steps)
	up := math.Exp(vol * math.Sqrt(dt))
	down := 1 / up
	disc := math.Exp(-rate * dt)
	pu := (math.Exp(rate*dt) - down) / (up - down)
	values := make([]float64, steps+1)
	boundary := make([]float64, steps)
	for i := range values {
		values[i] = math.Max(strike-spot*math.Pow(up, float64(steps-i))*math.Pow(down, float64(i)), 0)
	}
	for step := steps - 1; step >= 0; step-- {
		s := spot * math.Pow(up, float64(step))
		for i := 0; i <= step; i++ {
			hold := disc * (pu*values[i] + (1-pu)*values[i+1])
			if exercise := strike - s; exercise > hold {
				values[i] = exercise
				if s > boundary[step] {
					boundary[step] = s
				}
			} else {
				values[i] = hold
			}
			s *= down * down
		}
	}
	return values[0], boundary
}

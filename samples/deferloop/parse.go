package main

var botSignatures = []string{
	"googlebot", "bingbot", "yandexbot", "baiduspider", "duckduckbot", "ahrefsbot",
	"semrushbot", "mj12bot", "petalbot", "applebot", "facebookexternalhit",
	"python-requests", "curl/", "wget/", "go-http-client", "headlesschrome",
}

// isBot reports whether the user agent matches a known crawler, ignoring case.
func isBot(agent string) bool {
	for _, sig := range botSignatures {
	search:
		for i := 0; i+len(sig) <= len(agent); i++ {
			for j := 0; j < len(sig); j++ {
				a := agent[i+j]
				if 'A' <= a && a <= 'Z' {
					a += 'a' - 'A'
				}
				if a != sig[j] {
					continue search
				}
			}
			return true
		}
	}
	return false
}

// parseLine reads "METHOD PATH STATUS BYTES LATENCY_MS USER-AGENT".
func parseLine(line string, into map[string]*endpointStats) {
	var fields [6]string
	n := 0
	for start, i := 0, 0; i <= len(line) && n < len(fields); i++ {
		if i == len(line) || (line[i] == ' ' && n < len(fields)-1) {
			fields[n] = line[start:i]
			n++
			start = i + 1
		}
	}
	if n < len(fields) {
		return
	}
	status, size, latency := atoi(fields[2]), atoi(fields[3]), atoi(fields[4])
	s := into[fields[1]]
	if s == nil {
		s = &endpointStats{}
		into[fields[1]] = s
	}
	s.hits++
	if status >= 500 {
		s.errors++
	}
	if isBot(fields[5]) {
		s.bots++
	}
	s.bytes += int64(size)
	if b := latency / 8; b < len(s.latencyMs) {
		s.latencyMs[b]++
	} else {
		s.latencyMs[len(s.latencyMs)-1]++
	}
}

func atoi(b string) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return -1
		}
		n = n*10 + int(b[i]-'0')
	}
	return n
}

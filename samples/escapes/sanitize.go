package main

var secretParams = []string{"token=", "access_token=", "api_key=", "apikey=", "password=", "passwd=", "secret=", "session=", "sig="}

// redact masks the values of secret query parameters in a log line.
func redact(line string) string {
	var b []byte
	for i := 0; i < len(line); i++ {
		if c := line[i]; c != '?' && c != '&' {
			continue
		}
		for _, p := range secretParams {
			if i+1+len(p) > len(line) || line[i+1:i+1+len(p)] != p {
				continue
			}
			if b == nil {
				b = []byte(line)
			}
			for j := i + 1 + len(p); j < len(b) && b[j] != '&' && b[j] != ' '; j++ {
				b[j] = '*'
			}
		}
	}
	if b == nil {
		return line
	}
	return string(b)
}

// keep decides whether a line goes to the sampled debug log; it hashes
// the whole line so that identical requests are sampled together.
func keep(line string, oneIn uint32) bool {
	h := uint32(2166136261)
	for i := 0; i < len(line); i++ {
		h ^= uint32(line[i])
		h *= 16777619
	}
	for i := 0; i < 8; i++ {
		h ^= h >> 13
		h *= 0x5bd1e995
		h ^= h >> 15
	}
	return h%oneIn == 0
}

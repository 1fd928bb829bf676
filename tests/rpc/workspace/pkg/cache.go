package pkg

// cache grows without bound: nothing ever deletes from it.
var cache = map[string][]byte{}

// Remember keeps a copy of value under key.
func Remember(key string, value []byte) {
	cache[key] = append([]byte(nil), value...)
}

// The other half of global_map_growth.go's cross-file cases: a map it fills
// that is evicted from here, and a map declared here that it fills.
package leakcheck

import "time"

// gmapShardOf is filled by gmapRememberShard in global_map_growth.go and
// only read here.
var gmapShardOf = map[string]int{}

func gmapShard(key string) (int, bool) {
	s, ok := gmapShardOf[key]
	return s, ok
}

// Evicts what gmapTouch in global_map_growth.go adds.
func gmapExpire(before time.Time) {
	for k, t := range gmapRecent {
		if t.Before(before) {
			delete(gmapRecent, k)
		}
	}
}

// Cases for global-map-growth: a package-level map that functions add keys
// to, with nothing in the package (global_map_growth_evict.go included)
// deleting from it, clearing it, reassigning it or handing it on, is flagged
// at each file's first assignment. Registries, tables filled once, literal
// keys, watched sizes and maps evicted from in another file are not.
package leakcheck

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

type gmapUser struct {
	ID   string
	Name string
}

var (
	gmapUserMu    sync.Mutex
	gmapUserCache = map[string]*gmapUser{}
)

// A read-through cache keyed by user id: every id ever asked for stays.
func gmapLookupUser(id string, load func(string) *gmapUser) *gmapUser {
	gmapUserMu.Lock()
	defer gmapUserMu.Unlock()
	if u, ok := gmapUserCache[id]; ok {
		return u
	}
	u := load(id)
	gmapUserCache[id] = u // want "global-map-growth"
	gmapUserCache[strings.ToLower(id)] = u
	return u
}

type gmapSession struct {
	user    string
	created time.Time
}

var gmapSessionsByToken = make(map[string]gmapSession)

// Sessions are added on login; nothing logs them out.
func gmapLogin(w http.ResponseWriter, r *http.Request) {
	token := r.FormValue("token")
	gmapSessionsByToken[token] = gmapSession{ // want "global-map-growth"
		user:    r.FormValue("user"),
		created: time.Now(),
	}
	w.WriteHeader(http.StatusNoContent)
}

var gmapPatterns map[string]*regexp.Regexp

// Made lazily under the nil check, then filled with every pattern seen.
func gmapCompile(expr string) (*regexp.Regexp, error) {
	if gmapPatterns == nil {
		gmapPatterns = make(map[string]*regexp.Regexp)
	}
	if re, ok := gmapPatterns[expr]; ok {
		return re, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	gmapPatterns[expr] = re // want "global-map-growth"
	return re, nil
}

type gmapSeenSet map[string]struct{}

var gmapSeenRequests = gmapSeenSet{}

// A map type declared in the file counts as a map; the handler stored as a
// func value runs on every request.
var gmapDedup = func(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if _, dup := gmapSeenRequests[id]; dup {
			return
		}
		gmapSeenRequests[id] = struct{}{} // want "global-map-growth"
		next.ServeHTTP(w, r)
	})
}

var gmapRateByHost map[string]int

func init() {
	gmapRateByHost = make(map[string]int)
}

// Made in init(), which is not eviction; filled per host afterwards.
func gmapRecordRate(host string, n int) {
	gmapRateByHost[host] = n // want "global-map-growth"
}

// Declared in global_map_growth_evict.go, filled here.
func gmapRememberShard(key string, shard int) {
	gmapShardOf[key] = shard // want "global-map-growth"
}

var gmapRecent = map[string]time.Time{}

// Negative: evicted from in global_map_growth_evict.go.
func gmapTouch(key string) {
	gmapRecent[key] = time.Now()
}

type gmapCodec interface {
	Encode(v any) ([]byte, error)
}

var gmapCodecs = map[string]gmapCodec{}

// Negative: a registry, filled by a register function.
func RegisterGmapCodec(name string, c gmapCodec) {
	gmapCodecs[name] = c
}

var gmapMimeByExt = map[string]string{}

// Negative: filled in init() only.
func init() {
	for _, kv := range []string{"html=text/html", "css=text/css"} {
		i := strings.IndexByte(kv, '=')
		gmapMimeByExt[kv[:i]] = kv[i+1:]
	}
}

var (
	gmapAliasOnce sync.Once
	gmapAliases   = map[string]string{}
)

// Negative: a function handed to once.Do by name fills the table once.
func gmapLoadAliases() {
	for _, line := range strings.Split("a b\nc d", "\n") {
		f := strings.Fields(line)
		gmapAliases[f[0]] = f[1]
	}
}

func gmapAlias(name string) string {
	gmapAliasOnce.Do(gmapLoadAliases)
	return gmapAliases[name]
}

var (
	gmapZonesOnce sync.Once
	gmapZones     = map[string]*time.Location{}
)

// Negative: filled in a once.Do literal.
func gmapZone(name string) *time.Location {
	gmapZonesOnce.Do(func() {
		for _, z := range []string{"UTC", "Local"} {
			loc, _ := time.LoadLocation(z)
			gmapZones[z] = loc
		}
	})
	return gmapZones[name]
}

var gmapTable map[string]int

// Negative: the fill sits in the nil check that makes the map.
func gmapCode(name string) int {
	if gmapTable == nil {
		gmapTable = map[string]int{}
		for i, n := range []string{"zero", "one", "two"} {
			gmapTable[n] = i
		}
	}
	return gmapTable[name]
}

var gmapFeatures = map[string]bool{}

// Negative: literal keys, a fixed set.
func gmapEnableBeta(on bool) {
	gmapFeatures["beta"] = on
	gmapFeatures["canary"] = !on
}

var gmapStats = map[string]int{}

// Negative: reset by reassignment on every report.
func gmapCount(path string) {
	gmapStats[path] = gmapStats[path] + 1
}

func gmapResetStats() {
	gmapStats = map[string]int{}
}

var gmapLastSeen = map[string]time.Time{}

// Negative: handed to a function that prunes it.
func gmapSeen(client string, pruneOld func(map[string]time.Time)) {
	gmapLastSeen[client] = time.Now()
	pruneOld(gmapLastSeen)
}

const gmapMaxEntries = 1024

var gmapThumbs = map[string][]byte{}

// Negative: the size is watched before adding.
func gmapStoreThumb(key string, b []byte) {
	if len(gmapThumbs) >= gmapMaxEntries {
		return
	}
	gmapThumbs[key] = b
}

var gmapHostAliases = map[string]string{"localhost": "127.0.0.1"}

// Negative: a parameter of the same name is the map written to.
func gmapAddAliases(gmapHostAliases map[string]string, host, addr string) {
	gmapHostAliases[host] = addr
}

var gmapRing [16]string

// Negative: a package-level array, not a map.
func gmapPut(i int, s string) {
	gmapRing[i%len(gmapRing)] = s
}

var gmapErrorsByCode = map[int]error{}

// Negative: an exported Add function extends a table for its callers.
func AddGmapError(code int, err error) {
	gmapErrorsByCode[code] = err
}

// A test that cleans up after itself does not bound what the program keeps:
// global-map-growth reads no _test.go file, so gmapLogin is still flagged.
package leakcheck

import "testing"

func TestGmapSessionCleanup(t *testing.T) {
	gmapSessionsByToken["t"] = gmapSession{user: "u"}
	delete(gmapSessionsByToken, "t")
	gmapSessionsByToken = map[string]gmapSession{}
}

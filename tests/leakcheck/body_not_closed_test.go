// Cases for body-not-closed in a test file: calls made only to see the
// request a fake transport records are not flagged; real leaks still are.
package leakcheck

import (
	"errors"
	"io"
	"net/http"
	"testing"
)

type bncRecorder struct{ req *http.Request }

func (r *bncRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.req = req
	return nil, errors.New("dummy impl")
}

// Negative: the results are thrown away; the transport only records.
func TestBncRequestFormat(t *testing.T) {
	tr := &bncRecorder{}
	client := &http.Client{Transport: tr}
	client.Get("http://dummy.example/") // Note: doesn't hit network
	_, _ = client.Head("http://dummy.example/")
	if tr.req.Method != "HEAD" {
		t.Errorf("method %q", tr.req.Method)
	}
}

// The response is read but never closed.
func TestBncBody(t *testing.T) {
	res, err := http.Get("http://127.0.0.1:1/") // want "body-not-closed"
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(res.Body); err != nil {
		t.Fatal(err)
	}
}

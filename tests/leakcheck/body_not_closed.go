// Cases for body-not-closed: an *http.Response whose Body some path leaves
// open. Handing resp or resp.Body to a helper, returning or storing it
// counts as handled; reading it with io.ReadAll or json.NewDecoder does not.
package leakcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

type bncRelease struct {
	Tag string `json:"tag_name"`
}

// The body is read but never closed; the error is discarded too.
func bncFetchPage(u string) []byte {
	resp, _ := http.Get(u) // want "body-not-closed"
	data, _ := io.ReadAll(resp.Body)
	return data
}

// A non-200 status returns before the deferred Close is reached.
func bncLatestRelease(client *http.Client, repo string) (*bncRelease, error) {
	req, err := http.NewRequest("GET", "https://api.example.com/repos/"+repo+"/releases/latest", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req) // want "body-not-closed"
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("latest release of %s: %s", repo, resp.Status)
	}
	defer resp.Body.Close()
	var rel bncRelease
	err = json.NewDecoder(resp.Body).Decode(&rel)
	return &rel, err
}

// Decoded, never closed: json.NewDecoder does not close what it reads.
func bncDecodeStatus(u string) (map[string]string, error) {
	resp, err := http.Get(u) // want "body-not-closed"
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// One response per retry; the ones that are retried stay open.
func bncPollReady(u string) error {
	for i := 0; i < 5; i++ {
		resp, err := http.Head(u) // want "body-not-closed"
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			time.Sleep(time.Second)
			continue
		}
		resp.Body.Close()
		return nil
	}
	return errors.New("not ready")
}

// Fire and forget: the response is thrown away unread and unclosed.
func bncPing(u string) {
	http.PostForm(u, url.Values{"ping": {"1"}}) // want "body-not-closed"
}

type bncNotifier struct {
	hc  *http.Client
	url string
}

// The client is a field declared *http.Client; only the header is read.
func (n *bncNotifier) notify(msg string) (string, error) {
	req, err := http.NewRequest("POST", n.url, strings.NewReader(msg))
	if err != nil {
		return "", err
	}
	resp, err := n.hc.Do(req) // want "body-not-closed"
	if err != nil {
		return "", err
	}
	return resp.Header.Get("X-Request-Id"), nil
}

// err is reused by the read: its failure returns with the body open.
func bncReadBody(u string) (string, error) {
	resp, err := http.DefaultClient.Get(u) // want "body-not-closed"
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return string(b), nil
}

// A non-200 status leaves through the error check's return, body open.
func bncCheckStatus(u string) error {
	resp, err := http.Get(u) // want "body-not-closed"
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: %v", u, err)
	}
	defer resp.Body.Close()
	return nil
}

// The client is a field declared in another file of the package (dbeAPI).
func (a *dbeAPI) ping() error {
	resp, err := a.hc.Get(a.base + "/ping") // want "body-not-closed"
	if err != nil {
		return err
	}
	if resp.Header.Get("X-Pong") == "" {
		return errors.New("no pong")
	}
	return nil
}

// Negative: defer Close right after the error check.
func bncGetJSON(u string, v interface{}) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// Negative: a helper that closes the body.
func bncFetchWithHelper(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return bncReadAndClose(resp)
}

func bncReadAndClose(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Negative: a wrapper returning *http.Response; the caller closes it.
func bncGetWithAuth(c *http.Client, u, token string) (*http.Response, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		resp.Body.Close()
		return nil, errors.New("unauthorized")
	}
	return resp, nil
}

// Negative: a wrapper that returns the call's results as they are.
func bncGetPlain(u string) (*http.Response, error) {
	return http.Get(u)
}

// Negative: the body handed to json.NewDecoder and closed later.
func bncDecodeThenClose(u string) (map[string]int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	m := map[string]int{}
	err = json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	return m, err
}

// Negative: a closure that drains and closes the body, deferred.
func bncDrainAndClose(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer func() {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}()
	return resp.StatusCode, nil
}

// Negative: closed on every branch of a switch.
func bncStatusKind(u string) (string, error) {
	resp, err := http.Head(u)
	if err != nil {
		return "", err
	}
	switch {
	case resp.StatusCode >= 500:
		resp.Body.Close()
		return "server error", nil
	case resp.StatusCode >= 400:
		resp.Body.Close()
		return "client error", nil
	default:
		resp.Body.Close()
		return "ok", nil
	}
}

// Negative: the error is discarded, and the body closed when there is one.
func bncBestEffort(u string) int {
	resp, _ := http.Get(u)
	if resp != nil {
		defer resp.Body.Close()
		return resp.StatusCode
	}
	return 0
}

// Negative: stored in a struct that owns the body.
type bncStream struct {
	resp *http.Response
}

func bncOpenStream(u string) (*bncStream, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	s := &bncStream{}
	s.resp = resp
	return s, nil
}

// Negative: sent on a channel to the reader that closes it.
func bncForward(u string, out chan<- *http.Response) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	out <- resp
	return nil
}

// Negative: the error path is a switch case; the others close.
func bncSwitchOnErr(u string) error {
	resp, err := http.Get(u)
	switch {
	case err != nil:
		return err
	case resp.StatusCode != http.StatusOK:
		resp.Body.Close()
		return errors.New(resp.Status)
	}
	defer resp.Body.Close()
	return nil
}

// Negative: the response is kept in a variable declared before a retry loop.
func bncRetry(c *http.Client, req *http.Request) (int, error) {
	var resp *http.Response
	var err error
	for i := 0; i < 3; i++ {
		resp, err = c.Do(req)
		if err == nil {
			break
		}
	}
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// Negative: a test-style call that is expected to fail.
func bncExpectFailure(c *http.Client) error {
	_, err := c.Get("http://invalid.example/")
	if err == nil {
		return errors.New("expected an error")
	}
	return nil
}

// Negative: a cache's Get also returns (value, error); no http evidence.
type bncCache struct{ m map[string]string }

func (c *bncCache) Get(key string) (string, error) {
	v, ok := c.m[key]
	if !ok {
		return "", errors.New("miss")
	}
	return v, nil
}

func bncCachedTitle(c *bncCache, key string) (string, error) {
	title, err := c.Get(key)
	if err != nil {
		return "", err
	}
	if title == "" {
		return "untitled", nil
	}
	return strings.ToUpper(title), nil
}

// Negative: a redis-like Do returning (reply, error).
type bncConn struct{}

func (bncConn) Do(cmd string, args ...interface{}) (interface{}, error) { return nil, nil }

func bncIncr(c bncConn, key string) (int64, error) {
	reply, err := c.Do("INCR", key)
	if err != nil {
		return 0, err
	}
	n, ok := reply.(int64)
	if !ok {
		return 0, errors.New("not an integer")
	}
	return n, nil
}

// Negative: a note store whose notes have a string Body.
type bncNote struct{ Body string }

type bncNotes struct{}

func (bncNotes) Get(id string) (bncNote, error) { return bncNote{}, nil }

func bncNoteLength(s bncNotes, id string) (int, error) {
	note, err := s.Get(id)
	if err != nil {
		return 0, err
	}
	if note.Body == "" {
		return 0, errors.New("empty note")
	}
	return len(note.Body), nil
}

// Negative: the response goes to a goroutine that closes it.
func bncAsync(u string, done chan<- int) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	go func() {
		defer resp.Body.Close()
		n, _ := io.Copy(io.Discard, resp.Body)
		done <- int(n)
	}()
	return nil
}

// Cases for defer-before-err-check: `defer resp.Body.Close()` before the
// call's error is checked panics when the call fails (resp is nil).
package leakcheck

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
)

// dbeAPI's client field serves body_not_closed.go too (another file).
type dbeAPI struct {
	hc   *http.Client
	base string
}

// The classic: defer first, check after.
func dbeGetJSON(u string, v interface{}) error {
	resp, err := http.Get(u)
	defer resp.Body.Close() // want "defer-before-err-check"
	if err != nil {
		return err
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// A form post whose response is only checked for its status.
func dbeSubmit(u string, form url.Values) error {
	resp, err := http.PostForm(u, form)
	defer resp.Body.Close() // want "defer-before-err-check"
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("submit: %s", resp.Status)
	}
	return nil
}

// A client's Do, with a log line between the call and the defer.
func dbePost(c *http.Client, u, body string) (int, error) {
	req, err := http.NewRequest("POST", u, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	log.Printf("POST %s", u)
	defer resp.Body.Close() // want "defer-before-err-check"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Assigned to variables declared earlier; the error is returned unchecked.
func dbeHead(u string) (n int64, err error) {
	var resp *http.Response
	resp, err = http.Head(u)
	defer resp.Body.Close() // want "defer-before-err-check"
	return resp.ContentLength, err
}

// In a func literal run per URL, checked with a log.Fatal.
func dbeFetchAll(urls []string) [][]byte {
	var out [][]byte
	for _, u := range urls {
		func() {
			resp, err := http.DefaultClient.Get(u)
			defer resp.Body.Close() // want "defer-before-err-check"
			if err != nil {
				log.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			out = append(out, b)
		}()
	}
	return out
}

// A client field's Do; the check is a switch.
func (a *dbeAPI) status(path string) (int, error) {
	resp, err := a.hc.Get(a.base + path)
	defer resp.Body.Close() // want "defer-before-err-check"
	switch {
	case err != nil:
		return 0, err
	default:
		return resp.StatusCode, nil
	}
}

// Negative: defer after the check.
func dbeGetOK(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Negative: err checked through resp != nil, the defer inside the test.
func dbeGuarded(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if resp != nil {
		defer resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

// Negative: the error is discarded, so there is no check to place the
// defer below (body-not-closed's quick fix writes exactly this).
func dbeDiscarded(u string) []byte {
	resp, _ := http.Get(u)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

// Negative: the check in the if statement's own header.
func dbeInHeader(u string) ([]byte, error) {
	if resp, err := http.Get(u); err == nil {
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	} else {
		return nil, err
	}
}

// Negative: a deferred helper that tolerates a nil response.
func dbeHelper(u string) (int, error) {
	resp, err := http.Get(u)
	defer dbeCloseBody(resp)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func dbeCloseBody(resp *http.Response) {
	if resp != nil {
		resp.Body.Close()
	}
}

// Negative: resp == nil returns first, so the defer is safe.
func dbeNilFirst(u string) (int, error) {
	resp, err := http.Get(u)
	if resp == nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, err
}

// Negative: a closure deferred before the check tests resp itself.
func dbeClosure(u string) (int, error) {
	resp, err := http.Get(u)
	defer func() {
		if resp != nil {
			resp.Body.Close()
		}
	}()
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

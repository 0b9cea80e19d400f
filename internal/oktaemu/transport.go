package oktaemu

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// RoutingTransport sends every request to addr (host:port) whatever host its URL names.
// The Okta SDK keeps only the host name of the org URL and drops its port, so a client
// pointed at an emulator on a random port needs this.
func RoutingTransport(addr string, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return routing{addr: addr, base: base}
}

type routing struct {
	addr string
	base http.RoundTripper
}

func (t routing) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.Host = t.addr
	r2.Host = t.addr
	return t.base.RoundTrip(r2)
}

// Client returns an HTTP client whose transport calls ServeHTTP directly, without a
// socket. Faults still apply: a dropped connection becomes io.ErrUnexpectedEOF.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: inProcess{s: s}}
}

type inProcess struct{ s *Server }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	if r2.Host == "" {
		r2.Host = r.URL.Host
	}
	if r2.Body == nil {
		r2.Body = http.NoBody
	}
	r2.RequestURI = r.URL.RequestURI()
	r2.RemoteAddr = "127.0.0.1:0"
	rec := &recorder{header: http.Header{}}
	t.s.ServeHTTP(rec, r2)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	if rec.dropped {
		return nil, fmt.Errorf("%s %s: connection closed by emulator: %w", r.Method, r.URL.Path, io.ErrUnexpectedEOF)
	}
	if err := context.Cause(r.Context()); err != nil {
		return nil, err
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &http.Response{
		Status:        strconv.Itoa(rec.status) + " " + http.StatusText(rec.status),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		ContentLength: int64(rec.body.Len()),
		Request:       r,
	}, nil
}

// recorder is the in-process response writer.
type recorder struct {
	header  http.Header
	status  int
	body    bytes.Buffer
	dropped bool
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *recorder) dropConnection() { w.dropped = true }

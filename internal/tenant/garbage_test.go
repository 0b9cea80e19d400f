package tenant

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestConnectionRefusedIsSaidPlainly(t *testing.T) {
	addr := closedAddr(t)
	c, err := New(Config{OrgURL: "http://" + addr, APIToken: testToken, MaxWait: 2 * time.Second,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(addr, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	c.tr.baseDelay = 5 * time.Millisecond
	_, err = c.Read(ctxT(t), ReadOptions{})
	if err == nil {
		t.Fatal("read succeeded with nothing listening")
	}
	msg := err.Error()
	for _, want := range []string{"could not connect to " + addr, "connection refused", "gave up after 5 attempts"} {
		if !strings.Contains(msg, want) {
			t.Errorf("err = %q, want it to contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "no answer within") || strings.Contains(msg, " over 0s") {
		t.Errorf("err = %q, misleading: the connection was refused, nothing timed out", msg)
	}
	assertNoSecret(t, "error", msg, testToken)
	t.Log(msg)
}

// A stalled answer is a timeout and says so (not a refused connection).
func TestStalledAnswerTimesOut(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	o.c.tr.attemptTime = 200 * time.Millisecond
	o.emu.SetFaults(oktaemu.Faults{Seed: 1, StallEvery: 1, Stall: 2 * time.Second})
	_, err := o.c.listZones(ctxT(t), false)
	if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") || !strings.Contains(err.Error(), "GET /api/v1/zones") {
		t.Errorf("err = %v, want a timeout naming the endpoint", err)
	}
	o.emu.SetFaults(oktaemu.Faults{})
	if _, err := o.c.listZones(ctxT(t), false); err != nil {
		t.Errorf("after the stall: %v", err)
	}
}

package oktaemu

import (
	"net/http"
	"time"
)

// faultPlan is what the fault RNG decided for one request.
type faultPlan struct {
	delay   time.Duration
	drop    bool
	burst   bool
	fail500 bool
}

// planFaults draws the faults of the next request. Draws happen in a fixed order for every
// request so a run with the same seed and request order repeats exactly.
func (s *Server) planFaults() faultPlan {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	f := &s.faults
	s.faultN++
	p := faultPlan{delay: s.opts.Latency}
	if s.opts.Jitter > 0 {
		p.delay += time.Duration(s.faultRNG.Int64N(int64(s.opts.Jitter)))
	}
	if f.StallEvery > 0 && s.faultN%f.StallEvery == 0 {
		p.delay += f.Stall
	}
	u := s.faultRNG.Float64()
	switch {
	case f.Burst429 > 0:
		f.Burst429--
		p.burst = true
	case u < f.DropRate:
		p.drop = true
	case u < f.DropRate+f.ErrorRate:
		p.fail500 = true
	}
	return p
}

// connDropper is implemented by the in-process transport's response writer.
type connDropper interface{ dropConnection() }

// dropConnection closes the connection without answering. Over real HTTP it hijacks the
// connection; if that is impossible (HTTP/2) it aborts the handler, which also resets it.
func dropConnection(w http.ResponseWriter) {
	if d, isDropper := w.(connDropper); isDropper {
		d.dropConnection()
		return
	}
	if hj, isHijacker := w.(http.Hijacker); isHijacker {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

package oktaemu

import (
	"net/http"
	"strconv"
	"time"
)

// defaultRateLimit is generous so tests are throttled only when they configure it.
const defaultRateLimit = 600

// window counts a bucket's requests in the current minute.
type window struct {
	minute int64
	used   int
}

// rateLimit charges one request to bucket, sets the X-Rate-Limit-* headers and answers
// 429 E0000047 once the minute's allowance is used up.
func (s *Server) rateLimit(w http.ResponseWriter, bucket string) (reply, bool) {
	limit := s.limit(bucket)
	now := s.now()
	minute := now.Unix() / 60
	s.ctl.Lock()
	win := s.windows[bucket]
	if win == nil || win.minute != minute {
		win = &window{minute: minute}
		s.windows[bucket] = win
	}
	win.used++
	used := win.used
	s.ctl.Unlock()
	reset := (minute + 1) * 60
	setRateHeaders(w, limit, max(limit-used, 0), reset)
	if used > limit {
		return tooMany(), true
	}
	return reply{}, false
}

func setRateHeaders(w http.ResponseWriter, limit, remaining int, reset int64) {
	w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(reset, 10))
}

func tooMany() reply {
	return errReply(http.StatusTooManyRequests, "E0000047", "You exceeded the maximum number of requests. Try again in a while.")
}

// burst429 answers a forced 429 whose window resets one second from now.
func (s *Server) burst429(w http.ResponseWriter, bucket string) {
	limit := s.limit(bucket)
	setRateHeaders(w, limit, 0, s.now().Add(time.Second).Unix())
	writeReply(w, tooMany())
}

// limit is the bucket's requests per minute.
func (s *Server) limit(bucket string) int {
	if n, set := s.opts.RateLimits[bucket]; set {
		return n
	}
	return defaultRateLimit
}

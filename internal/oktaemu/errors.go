package oktaemu

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
)

// errorIDs draws the 25-character "oae…" error ids; separate from the fault RNG so that
// errors do not shift which requests get faults.
var (
	errorIDMu sync.Mutex
	errorIDs  = rand.New(rand.NewPCG(3, 5))
)

func newErrorID() string {
	errorIDMu.Lock()
	defer errorIDMu.Unlock()
	return randomID(errorIDs, "oae", 25)
}

// errReply builds Okta's error envelope; causes become errorCauses[].errorSummary.
func errReply(status int, code, summary string, causes ...string) reply {
	cs := make([]obj, 0, len(causes))
	for _, c := range causes {
		cs = append(cs, obj{{"errorSummary", c}})
	}
	return reply{status: status, body: obj{
		{"errorCode", code},
		{"errorSummary", summary},
		{"errorLink", code},
		{"errorId", newErrorID()},
		{"errorCauses", cs},
	}}
}

// validation is the usual E0000001 shape: the summary names the field, the cause explains.
func validation(fieldName, msg string) reply {
	return errReply(http.StatusBadRequest, "E0000001", "Api validation failed: "+fieldName, fieldName+": "+msg)
}

// notFound is E0000007 as recorded: "Not found: Resource not found: {id} (NetworkZone)".
func notFound(id, kind string) reply {
	return errReply(http.StatusNotFound, "E0000007", fmt.Sprintf("Not found: Resource not found: %s (%s)", id, kind))
}

func invalidToken() reply {
	return errReply(http.StatusUnauthorized, "E0000011", "Invalid token provided")
}

func forbidden() reply {
	return errReply(http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
}

func (s *Server) internalError() reply {
	return errReply(http.StatusInternalServerError, "E0000009", "Internal Server Error")
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomID returns prefix followed by random characters up to n characters in total.
func randomID(rng *rand.Rand, prefix string, n int) string {
	b := []byte(prefix)
	for len(b) < n {
		b = append(b, idAlphabet[rng.IntN(len(idAlphabet))])
	}
	return string(b)
}

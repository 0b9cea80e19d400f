package oktaemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// obj is a JSON object whose keys keep the order Okta sends them in.
type obj []field

type field struct {
	k string
	v any
}

// MarshalJSON writes the fields in order.
func (o obj) MarshalJSON() ([]byte, error) { return marshal(o) }

// marshal encodes v without HTML escaping, as Okta does. Ordered objects are written in
// one pass: letting encoding/json call MarshalJSON on nested objects re-validates every
// level and made a page of 200 zones a hundred times slower.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := appendValue(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func appendValue(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case obj:
		b.WriteByte('{')
		for i, f := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValue(b, f.k); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := appendValue(b, f.v); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case []obj:
		b.WriteByte('[')
		for i, o := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValue(b, o); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case nil:
		b.WriteString("null")
		return nil
	case bool:
		b.WriteString(strconv.FormatBool(x))
		return nil
	case int:
		b.WriteString(strconv.Itoa(x))
		return nil
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}

// reply is a handler's answer, computed under the org lock and written after it.
type reply struct {
	status int
	body   any // nil: no body
	header http.Header
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

func noContent() reply { return reply{status: http.StatusNoContent} }

func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	data, err := marshal(rep.body)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorCauses":[]}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(data)
}

// call is one API request being handled.
type call struct {
	r      *http.Request
	params map[string]string
	base   string
	body   []byte
	// reqID and actor feed the System Log event of a write.
	reqID string
	actor logActor
}

// maxBody bounds request bodies; Okta objects are far smaller.
const maxBody = 1 << 20

func (c *call) readBody() *reply {
	if c.r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		rep := errReply(http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return &rep
	}
	if len(data) > maxBody {
		rep := validation("body", "The request body is too large.")
		return &rep
	}
	c.body = data
	return nil
}

// decode unmarshals the request body into v; it answers E0000003 for malformed JSON and
// E0000001 naming the field for a value of the wrong type.
func (c *call) decode(v any) *reply {
	if len(bytes.TrimSpace(c.body)) == 0 {
		rep := errReply(http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return &rep
	}
	err := json.Unmarshal(c.body, v)
	if err == nil {
		return nil
	}
	if te, isType := err.(*json.UnmarshalTypeError); isType {
		name := te.Field
		if name == "" {
			name = "body"
		}
		rep := validation(name, "Expected a value of type "+jsonKind(te.Type.Kind().String())+", got "+te.Value+".")
		return &rep
	}
	rep := errReply(http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
	return &rep
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	case "string":
		return "string"
	case "ptr", "interface":
		return "value"
	}
	return "number"
}

// timestamp formats t like Okta: UTC, millisecond precision, always .000.
func timestamp(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05.000Z")
}

package action

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/plan"
)

// A plan's entries are its compact identity, one per object: "address action hash", the
// hash covering the change's fields and the org object it was computed from (IDs and
// timestamps left out). The plan comment stores the reviewed plan's entries in its meta so
// that the apply on merge can say which objects differ when the fingerprint does not match;
// the drift issue's digest is a hash of them.

// entryHashLen is how many hex digits of the hash an entry keeps: enough to tell that a
// change differs, short enough for hundreds of entries in a comment.
const entryHashLen = 12

// maxEncodedEntries bounds the entries stored in a comment's meta; a larger plan stores
// none and a refusal then lists only the fresh plan's objects.
const maxEncodedEntries = 12 << 10

// planEntries maps each address of p to "action hash".
func planEntries(p *plan.Plan) map[string]string {
	out := map[string]string{}
	if p == nil {
		return out
	}
	for _, c := range p.Changes {
		out[c.Address] = string(c.Action) + " " + shortHash(struct {
			Kind   string             `json:"kind"`
			Name   string             `json:"name"`
			Action plan.Action        `json:"action"`
			Fields []plan.FieldChange `json:"fields"`
			Before any                `json:"before"`
			After  any                `json:"after"`
		}{c.Kind, c.Name, c.Action, c.Fields, withoutMeta(c.Before), withoutMeta(c.After)})
	}
	for _, u := range p.Unmanaged {
		out[u.Address] = "unmanaged " + shortHash([]string{u.Kind, u.Name})
	}
	return out
}

func shortHash(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte(err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:entryHashLen]
}

// withoutMeta returns obj as a JSON map without its "meta" (ID, lastUpdated): an object
// that only got a new timestamp is the same object.
func withoutMeta(obj any) any {
	if obj == nil {
		return nil
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err.Error()
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return string(data)
	}
	delete(m, "meta")
	return m
}

// entryLines returns the entries as sorted "address action hash" lines.
func entryLines(m map[string]string) string {
	var b strings.Builder
	for _, addr := range sortedKeys(m) {
		b.WriteString(addr + " " + m[addr] + "\n")
	}
	return b.String()
}

// digest is a hash of a plan's entries: equal for equal drift, whatever the unrelated
// parts of the org did meanwhile.
func digest(p *plan.Plan) string {
	sum := sha256.Sum256([]byte(entryLines(planEntries(p))))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// encodeEntries packs entries for the comment meta as "gz:" + base64 of the gzipped
// lines; "" when they are too large.
func encodeEntries(m map[string]string) string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = io.WriteString(zw, entryLines(m))
	if zw.Close() != nil {
		return ""
	}
	s := "gz:" + base64.StdEncoding.EncodeToString(buf.Bytes())
	if len(s) > maxEncodedEntries {
		return ""
	}
	return s
}

// decodeEntries reads what encodeEntries wrote.
func decodeEntries(s string) (map[string]string, error) {
	data, ok := strings.CutPrefix(s, "gz:")
	if !ok {
		return nil, errors.New("unknown encoding")
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	text, err := io.ReadAll(io.LimitReader(zr, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if line == "" {
			continue
		}
		addr, rest, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("invalid entry %q", line)
		}
		out[addr] = rest
	}
	return out, nil
}

// entryDiff is one object whose entry differs between the reviewed and the fresh plan.
type entryDiff struct {
	Address string
	// Reviewed and Now are the actions ("update", "unmanaged", "" when absent).
	Reviewed, Now string
}

// Explain says how the object differs, in a few words.
func (d entryDiff) Explain() string {
	switch {
	case d.Reviewed == "":
		return fmt.Sprintf("not in the reviewed plan; now %s", d.Now)
	case d.Now == "":
		return fmt.Sprintf("reviewed as %s; no longer in the plan", d.Reviewed)
	case d.Reviewed != d.Now:
		return fmt.Sprintf("reviewed as %s; now %s", d.Reviewed, d.Now)
	}
	return fmt.Sprintf("%s with other values than reviewed (the definitions or the org object changed)", d.Now)
}

// diffEntries lists, sorted by address, the objects whose entries differ.
func diffEntries(reviewed, fresh map[string]string) []entryDiff {
	action := func(e string) string {
		a, _, _ := strings.Cut(e, " ")
		return a
	}
	seen := map[string]bool{}
	var out []entryDiff
	for addr, r := range reviewed {
		seen[addr] = true
		if f, ok := fresh[addr]; !ok || f != r {
			out = append(out, entryDiff{Address: addr, Reviewed: action(r), Now: action(f)})
		}
	}
	for addr, f := range fresh {
		if !seen[addr] {
			out = append(out, entryDiff{Address: addr, Now: action(f)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

package diag

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteTextUnderlinesTheValue(t *testing.T) {
	src := Sources{"p/zones.yaml": []byte("network_zones:\n  corp:\n\tgateways: [1.2.3.400]\n")}
	l := List{{Pos: Pos{File: "p/zones.yaml", Line: 3, Col: 13}, Severity: Error, Kind: "address", Message: `invalid address "1.2.3.400"`, Len: 9}}
	var b bytes.Buffer
	if err := l.WriteText(&b, src); err != nil {
		t.Fatal(err)
	}
	want := "p/zones.yaml:3:13: invalid address \"1.2.3.400\" [address]\n" +
		"   3 | \tgateways: [1.2.3.400]\n" +
		"     | \t           ^~~~~~~~~\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteText mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteTextWithoutSourceAndWarnings(t *testing.T) {
	l := List{{Pos: Pos{File: "gone.yaml", Line: 9, Col: 1}, Severity: Warning, Kind: "lint", Message: "private range"}}
	var b bytes.Buffer
	if err := l.WriteText(&b, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "gone.yaml:9:1: warning: private range [lint]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSortAndErrors(t *testing.T) {
	var l List
	l.Warnf(Pos{File: "b.yaml", Line: 1, Col: 1}, "lint", "w")
	l.Errorf(Pos{File: "a.yaml", Line: 2, Col: 5}, "key", "second")
	l.Errorf(Pos{File: "a.yaml", Line: 2, Col: 1}, "key", "first")
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.Message)
	}
	if diff := cmp.Diff([]string{"first", "second", "w"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if !l.HasErrors() || len(l.Errors()) != 2 {
		t.Errorf("HasErrors/Errors wrong: %v %d", l.HasErrors(), len(l.Errors()))
	}
	if !strings.Contains(l.Error(), "(and 1 more errors)") {
		t.Errorf("Error() = %q", l.Error())
	}
	if (List{}).HasErrors() {
		t.Error("an empty list has no errors")
	}
}

func TestWriteJSONEmptyIsArray(t *testing.T) {
	var b bytes.Buffer
	if err := List(nil).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var v []any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil || v == nil || len(v) != 0 {
		t.Errorf("want an empty JSON array, got %q (err %v)", b.String(), err)
	}
}

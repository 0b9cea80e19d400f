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

// TestWriteTextEchoesSafely checks the echoed source line: control characters (a binary
// file, an escape sequence a terminal would run) are replaced, a long line is cut, and a
// line whose error lies beyond the cut is not echoed.
func TestWriteTextEchoesSafely(t *testing.T) {
	long := strings.Repeat("x", 300)
	src := Sources{"f.yaml": []byte("a: \x1b[2J\x07\x00b\n" + long + "\n" + "é: [1.2.3.400]\n")}
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"control characters", Diagnostic{Pos: Pos{File: "f.yaml", Line: 1, Col: 4}, Message: "bad", Kind: "syntax", Len: 2},
			"f.yaml:1:4: bad [syntax]\n   1 | a: \uFFFD[2J\uFFFD\uFFFDb\n     |    ^~\n"},
		{"long line, error early", Diagnostic{Pos: Pos{File: "f.yaml", Line: 2, Col: 1}, Message: "bad", Kind: "syntax", Len: 1000},
			"f.yaml:2:1: bad [syntax]\n   2 | " + strings.Repeat("x", 200) + "…\n     | ^" + strings.Repeat("~", 199) + "\n"},
		{"long line, error late", Diagnostic{Pos: Pos{File: "f.yaml", Line: 2, Col: 290}, Message: "bad", Kind: "syntax"},
			"f.yaml:2:290: bad [syntax]\n"},
		{"columns count characters", Diagnostic{Pos: Pos{File: "f.yaml", Line: 3, Col: 5}, Message: "bad", Kind: "address", Len: 9},
			"f.yaml:3:5: bad [address]\n   3 | é: [1.2.3.400]\n     |     ^~~~~~~~~\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (List{tt.d}).WriteText(&b, src); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("WriteText mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

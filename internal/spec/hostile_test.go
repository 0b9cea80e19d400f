package spec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHostileYAML feeds Parse inputs built to hurt a YAML loader: each must end with a
// positioned error (or load), never a panic or an exponential walk.
func TestHostileYAML(t *testing.T) {
	// "Billion laughs": nine levels of nine aliases, under a key that expects strings and
	// one that expects a mapping (merge keys are followed one level only).
	var laughs strings.Builder
	laughs.WriteString("network_zones:\n  z0:\n    name: Z0\n    type: IP\n    gateways: &a0 [\"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\", \"203.0.113.1\"]\n")
	for i := 1; i < 10; i++ {
		a := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&laughs, "  z%d:\n    name: Z%d\n    type: IP\n    gateways: &a%d [%s]\n", i, i, i, strings.Repeat(a+", ", 8)+a)
	}
	var merges strings.Builder
	merges.WriteString("network_zones:\n  m0: &m0 {name: M0, type: IP, gateways: [203.0.113.1]}\n")
	for i := 1; i < 10; i++ {
		m := fmt.Sprintf("*m%d", i-1)
		fmt.Fprintf(&merges, "  m%d: &m%d {<<: [%s], name: M%d}\n", i, i, strings.Repeat(m+", ", 8)+m, i)
	}
	tests := []struct {
		name, src, want string
	}{
		{"alias bomb", laughs.String(), "expected a string for an element of gateways, found a sequence"},
		{"merge bomb", merges.String(), ""},
		{"deep flow nesting", "network_zones: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", "invalid YAML"},
		{"deep block nesting", "network_zones:\n" + deepBlock(2000), ""},
		{"binary", string(bytes.Repeat([]byte{0xff, 0x00, 0x1b, '[', '2', 'J', 0x07}, 5000)), "invalid YAML"},
		{"NUL in a key", "network_zones:\n  a\x00b:\n    name: x\n", "invalid YAML"},
		{"alias to undefined anchor", "network_zones: *nope\n", "invalid YAML"},
		{"self-referencing merge", "network_zones:\n  z: &z\n    <<: *z\n    name: Z\n    type: IP\n", ""},
		{"many documents", strings.Repeat("---\nnetwork_zones: {}\n", 1000), "document"},
		{"huge scalar", "network_zones:\n  z:\n    name: " + strings.Repeat("x", 2<<20) + "\n    type: IP\n", "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Parse(map[string][]byte{"hostile.yaml": []byte(tt.src)})
			for _, d := range diags {
				if d.Pos.File != "hostile.yaml" || d.Pos.Line < 1 || d.Pos.Col < 1 {
					t.Errorf("diagnostic without a position: %+v", d)
				}
			}
			if tt.want == "" {
				return
			}
			if !diags.HasErrors() {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			var all strings.Builder
			for _, d := range diags {
				all.WriteString(d.String() + "\n")
			}
			if !strings.Contains(all.String(), tt.want) {
				t.Errorf("diagnostics lack %q:\n%s", tt.want, all.String())
			}
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s k%d:\n", strings.Repeat(" ", i+1), i)
	}
	return b.String()
}

// TestLoadRefusesHostileFiles checks what Load reads from disk: symlinks that leave the
// definitions directory, loops, devices, pipes and oversized files are refused with an
// error that names the file; a symlink within the directory is read.
func TestLoadRefusesHostileFiles(t *testing.T) {
	ok, err := os.ReadFile("testdata/ok/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside.yaml")
	if err := os.WriteFile(outside, ok, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string // "" when Load must succeed
	}{
		{"symlink inside", func(t *testing.T, dir string) {
			mustWrite(t, filepath.Join(dir, "real.txt"), ok)
			mustSymlink(t, "real.txt", filepath.Join(dir, "link.yaml"))
		}, ""},
		{"symlink outside", func(t *testing.T, dir string) { mustSymlink(t, outside, filepath.Join(dir, "x.yaml")) }, "outside the definitions directory"},
		{"symlink to the environment", func(t *testing.T, dir string) {
			mustSymlink(t, "/proc/self/environ", filepath.Join(dir, "x.yaml"))
		}, "outside the definitions directory"},
		{"symlink to a device", func(t *testing.T, dir string) { mustSymlink(t, "/dev/zero", filepath.Join(dir, "x.yaml")) }, "outside the definitions directory"},
		{"symlink loop", func(t *testing.T, dir string) {
			mustSymlink(t, "b.yaml", filepath.Join(dir, "a.yaml"))
			mustSymlink(t, "a.yaml", filepath.Join(dir, "b.yaml"))
		}, "a.yaml"},
		{"directory loop", func(t *testing.T, dir string) {
			mustWrite(t, filepath.Join(dir, "x.yaml"), ok)
			mustSymlink(t, ".", filepath.Join(dir, "loop"))
		}, ""},
		{"named pipe", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "x.yaml"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}, "not a regular file (a named pipe)"},
		{"oversized", func(t *testing.T, dir string) {
			mustWrite(t, filepath.Join(dir, "x.yaml"), bytes.Repeat([]byte("# padding\n"), MaxFileSize/10+1))
		}, "a definitions file may be at most 16.0 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			_, _, err := Load(dir)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlink: %v", err)
	}
}

// BenchmarkParseManyZones measures Parse on one large file of trusted zones next to a
// blocklist: lint compares each trusted zone with the blocklists only.
func BenchmarkParseManyZones(b *testing.B) {
	var src strings.Builder
	src.WriteString("network_zones:\n  blocked:\n    name: Blocked\n    type: IP\n    usage: BLOCKLIST\n    gateways: [192.0.2.1]\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&src, "  z%d:\n    name: Zone %d\n    type: IP\n    gateways: [203.0.113.%d]\n", i, i, i%250)
	}
	files := map[string][]byte{"zones.yaml": []byte(src.String())}
	b.ResetTimer()
	for range b.N {
		Parse(files)
	}
}

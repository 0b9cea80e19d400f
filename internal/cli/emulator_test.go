package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// syncBuffer lets the test read stdout while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestEmulatorServesUntilCancelled(t *testing.T) {
	const token = "emu-secret-token-123"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr syncBuffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: outW, Stderr: &stderr, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- runEmulator(ctx, env, []string{"--listen", "127.0.0.1:0", "--token", token})
		_ = outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("read the listening line: %v (stderr %q)", err, stderr.String())
	}
	addr, found := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !found || !strings.HasPrefix(addr, "http://127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("first line = %q, want \"listening on http://127.0.0.1:<port>\"", line)
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()

	req, err := http.NewRequest(http.MethodGet, addr+"/api/v1/zones", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET zones: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "LegacyIpZone") {
		t.Fatalf("GET zones = %d %s, want 200 with the system zones", resp.StatusCode, body)
	}

	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit code = %d, want %d (stderr %q)", code, ExitOK, stderr.String())
	}
	if strings.Contains(line+stderr.String(), token) {
		t.Fatal("the token was printed")
	}
}

func TestEmulatorUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing token", []string{"--listen", "127.0.0.1:0"}, "--token is required"},
		{"bad page size", []string{"--token", "x", "--page-size", "0"}, "--page-size must be positive"},
		{"extra argument", []string{"--token", "x", "serve"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
			if code := runEmulator(context.Background(), env, tt.args); code != ExitUsage {
				t.Fatalf("exit code = %d, want %d", code, ExitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q, want it to mention %q", stderr.String(), tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

func TestEmulatorBadSeedFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	code := runEmulator(context.Background(), env, []string{"--token", "x", "--listen", "127.0.0.1:0", "--seed", t.TempDir() + "/missing.json"})
	if code != ExitError {
		t.Fatalf("exit code = %d, want %d", code, ExitError)
	}
	if !strings.Contains(stderr.String(), "read seed") {
		t.Errorf("stderr = %q, want a read seed error", stderr.String())
	}
}

package spec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxFileSize is the largest definitions file read, in bytes. A definition set of 5,000
// objects is well under 1 MiB; the limit only stops a runaway file (or a symlink to a
// device) from exhausting memory.
const MaxFileSize = 16 << 20

// ReadFile reads one definitions file for Load and for callers that validate a single
// file. It refuses what is not a regular file (a device, a FIFO, a directory), a file over
// MaxFileSize, and, when within is set, a symlink that leads outside the directory within:
// definitions come from pull requests, and a committed symlink to /proc/self/environ or
// /dev/zero must not make itpsync echo the runner's environment or read forever.
func ReadFile(path, within string) ([]byte, error) {
	if within != "" {
		if err := checkInside(path, within); err != nil {
			return nil, err
		}
	}
	// Stat before opening: opening a named pipe blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file (%s)", path, kindOf(st.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%q is %s; a definitions file may be at most %s", path, sizeText(st.Size()), sizeText(MaxFileSize))
	}
	// Read at most one byte past the limit: the file may grow after the Stat.
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxFileSize {
		return nil, fmt.Errorf("%q is over %s; a definitions file may be at most %s", path, sizeText(MaxFileSize), sizeText(MaxFileSize))
	}
	return src, nil
}

// checkInside refuses a path whose real location (symlinks resolved) is outside dir.
func checkInside(path, dir string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("resolve %q: %w", path, err)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("%q is a symlink to %q, outside the definitions directory %q", path, real, dir)
	}
	return nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// markerFile marks a folder as the demo's own, so a second run may clear it and a folder
// of the user's is never touched.
const markerFile = ".itpsync-demo"

// runnerDir holds what a GitHub runner would: the workspace (a copy of the definitions),
// the event files, and each run's GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and log.
const runnerDir = ".runner"

// ownFile matches the markdown files a run writes ("01-pull-request-comment.md").
var ownFile = regexp.MustCompile(`^[0-9]{2}-[a-z0-9-]+\.md$`)

// folder is the output folder.
type folder struct {
	dir       string // absolute
	runner    string
	workspace string
	written   []string
}

// prepareFolder makes dir ready: created, or emptied of an earlier demo's files; a folder
// with other content is refused. The definitions are copied into the runner's workspace.
func prepareFolder(dir, policies string) (*folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("output folder %q: %w", dir, err)
	}
	absPol, err := filepath.Abs(policies)
	if err != nil {
		return nil, fmt.Errorf("definitions folder %q: %w", policies, err)
	}
	if rel, err := filepath.Rel(absPol, abs); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
		return nil, fmt.Errorf("output folder %q is inside the definitions folder %q: choose another with --out", dir, policies)
	}
	if err := clearOwn(abs); err != nil {
		return nil, err
	}
	f := &folder{dir: abs, runner: filepath.Join(abs, runnerDir)}
	f.workspace = filepath.Join(f.runner, "workspace")
	if err := os.MkdirAll(f.runner, 0o755); err != nil {
		return nil, fmt.Errorf("create the output folder %q: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(abs, markerFile), []byte("made by itpsync demo; safe to delete\n"), 0o644); err != nil {
		return nil, fmt.Errorf("write to the output folder %q: %w", dir, err)
	}
	if err := copyDefinitions(absPol, filepath.Join(f.workspace, "policies")); err != nil {
		return nil, err
	}
	return f, nil
}

// clearOwn removes an earlier demo's files from dir; it refuses a folder that has content
// and no marker.
func clearOwn(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the output folder %q: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
		return fmt.Errorf("output folder %q is not empty and was not made by itpsync demo: choose another with --out", dir)
	}
	for _, e := range entries {
		if e.Name() == runnerDir || e.Name() == markerFile || ownFile.MatchString(e.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("clear the earlier demo from %q: %w", dir, err)
			}
		}
	}
	return nil
}

// copyDefinitions copies the YAML files of src (recursively) to dst.
func copyDefinitions(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("read the definitions: %w (run the demo from the repository root, or pass --policies)", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("read the definitions: %q is not a folder", src)
	}
	n := 0
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || !isYAML(path) {
			return nil
		}
		n++
		return copyFile(path, filepath.Join(dst, rel))
	})
	if err != nil {
		return fmt.Errorf("copy the definitions from %q: %w", src, err)
	}
	if n == 0 {
		return fmt.Errorf("read the definitions: %q has no .yaml or .yml file", src)
	}
	return nil
}

func isYAML(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// hashTree is a digest of every file under dir (names and contents), to show the demo
// wrote nothing there.
func hashTree(dir string) (string, error) {
	h := sha256.New()
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read the definitions: %w (run the demo from the repository root, or pass --policies)", err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("read the definitions: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(p), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// write writes one markdown file of the output folder.
func (f *folder) write(name, markdown string) error {
	if !ownFile.MatchString(name) {
		return fmt.Errorf("write %q: not a demo file name", name) // a bug, not a user error
	}
	if err := os.WriteFile(filepath.Join(f.dir, name), []byte(markdown), 0o644); err != nil {
		return fmt.Errorf("write %q: %w", name, err)
	}
	f.written = append(f.written, name)
	return nil
}

// checkNoSecrets fails if any file of the folder holds one of secrets.
func (f *folder) checkNoSecrets(secrets []string) error {
	return filepath.WalkDir(f.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				return fmt.Errorf("a made-up token reached %q: it must never be written", path)
			}
		}
		return nil
	})
}

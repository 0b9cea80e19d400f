package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

// Top-level keys of a definitions file.
const (
	sectionEnvironments = "environments"
	sectionOptions      = "options"
)

var topKeys = []string{
	itp.KindZone, itp.KindEntityRiskRule, itp.KindPostAuthRule, itp.KindSessionViolation,
	itp.KindProvider, itp.KindUserRisk, sectionEnvironments, sectionOptions,
}

// singletons are sections that hold one object and may appear in one file only.
var singletons = []string{itp.KindPostAuthRule, itp.KindSessionViolation, sectionOptions}

// source is one parsed file: the sections of the six kinds, kept as nodes so that each
// environment's build substitutes its own variables.
type source struct {
	name     string
	sections []section
}

type section struct {
	kind     string
	key, val *yaml.Node
}

// Load reads every *.yaml / *.yml under dir (recursively, sorted; hidden files and
// directories are skipped), returns the definitions and all diagnostics (errors and lint
// warnings). err is only for I/O problems: dir missing, unreadable, or holding no file.
func Load(dir string) (*Definitions, diag.List, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("read definitions: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("read definitions: %q is not a directory", dir)
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			return nil
		}
		src, err := ReadFile(path, dir)
		if err != nil {
			return err
		}
		files[path] = src
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read definitions: %w", err)
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("read definitions: no *.yaml or *.yml file in %q", dir)
	}
	d, diags := Parse(files)
	return d, diags, nil
}

// Parse is Load on in-memory files (name → content); used by tests and the fuzz target.
// Names are used as given in positions.
func Parse(files map[string][]byte) (*Definitions, diag.List) {
	d := &Definitions{
		Sources:      diag.Sources{},
		Options:      Options{Unmanaged: UnmanagedReport},
		Environments: map[string]Environment{},
		positions:    map[string]diag.Pos{},
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	r := &reader{pos: d.positions}
	top := topState{singleton: map[string]diag.Pos{}, envs: map[string]diag.Pos{}}
	for _, name := range names {
		d.Sources[name] = files[name]
		r.file = name
		root := r.parseYAML(files[name])
		if root == nil {
			continue
		}
		d.files = append(d.files, r.topLevel(d, root, &top))
	}
	d.base = r.diags
	all := append(diag.List(nil), d.base...)
	all = append(all, d.buildAll()...)
	all.Sort()
	all = dedupe(all)
	d.FileCount = len(names)
	return d, all
}

// dedupe drops repeated diagnostics from a sorted list: a value reached through several
// aliases or merge keys is reported once.
func dedupe(l diag.List) diag.List {
	out := l[:0]
	for i, d := range l {
		if i > 0 && d == l[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

var yamlLineExpr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are yaml.v3's parser (not scanner) errors. yaml.v3 reports their line
// 0-based (the start of the enclosing construct), one less than the line an editor shows;
// scanner errors are already 1-based.
var parserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"did not find expected node content", "did not find expected '-' indicator",
	"did not find expected key", "did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "found undefined tag handle",
	"found duplicate %YAML directive", "found incompatible YAML document",
	"found duplicate %TAG directive",
}

// parseYAML parses one file into its document's root node, or nil when the file is empty
// or cannot be parsed (then a syntax error is reported).
func (r *reader) parseYAML(src []byte) (root *yaml.Node) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; bad input must never crash us.
		if p := recover(); p != nil {
			r.diags.Errorf(diag.Pos{File: r.file, Line: 1, Col: 1}, "syntax", "cannot parse YAML: %v", p)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		r.syntaxError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		r.errorf(&next, "syntax", "a definitions file holds one YAML document; found another one here")
	case !errors.Is(err, io.EOF):
		r.syntaxError(err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

func (r *reader) syntaxError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineExpr.FindStringSubmatch(err.Error()); m != nil {
		msg = m[2]
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n >= 1 {
			line = n
			if contains(parserProblems, msg) {
				line++
			}
		}
	}
	r.diags.Errorf(diag.Pos{File: r.file, Line: line, Col: 1}, "syntax", "invalid YAML: %s", msg)
}

// topState tracks what pass one has seen across files.
type topState struct {
	singleton map[string]diag.Pos // section → where it was first defined
	envs      map[string]diag.Pos // environment name → its key position
}

// topLevel checks the file's top-level keys, reads environments and options (which do not
// depend on an environment) and keeps the other sections for the per-environment builds.
func (r *reader) topLevel(d *Definitions, root *yaml.Node, top *topState) source {
	src := source{name: r.file}
	root = deref(root)
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return src
	}
	fields, ok := r.mapping(root, "a definitions file", topKeys)
	if !ok {
		return src
	}
	for _, name := range topKeys {
		f, found := fields[name]
		if !found {
			continue
		}
		if contains(singletons, name) {
			if prev, dup := top.singleton[name]; dup {
				r.errorf(f.key, "duplicate", "section %q is already defined at %s; it may appear in one file only", name, prev)
				continue
			}
			top.singleton[name] = r.at(f.key)
		}
		switch name {
		case sectionEnvironments:
			r.environments(d, f.val, top)
		case sectionOptions:
			r.options(d, f.key, f.val)
		default:
			src.sections = append(src.sections, section{kind: name, key: f.key, val: f.val})
		}
	}
	return src
}

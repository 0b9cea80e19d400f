package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/spec"
)

// validateFormats are the output formats of validate, by name.
var validateFormats = map[string]func(w io.Writer, l diag.List, src diag.Sources) error{
	"text": func(w io.Writer, l diag.List, src diag.Sources) error { return l.WriteText(w, src) },
	"json": func(w io.Writer, l diag.List, _ diag.Sources) error { return l.WriteJSON(w) },
}

// runValidate checks the definitions in DIR (default policies), or one definitions file,
// and prints every diagnostic.
// Exit 0 when valid (warnings allowed), 1 on any error, 2 on bad usage.
func runValidate(_ context.Context, env *Env, args []string) int {
	fs := newFlags(env, "validate", "[DIR|FILE]")
	format := fs.String("format", "text", "output format: "+strings.Join(formatNames(), " or "))
	dirs, done, code := parseInterspersed(fs, args)
	if done {
		return code
	}
	write, ok := validateFormats[*format]
	if !ok {
		fmt.Fprintf(env.Stderr, "itpsync validate: unknown format %q; valid formats are %s\n", *format, quoted(formatNames()))
		return ExitUsage
	}
	if len(dirs) > 1 {
		fmt.Fprintf(env.Stderr, "itpsync validate: want at most one directory, got %d: %s\n", len(dirs), argsText(dirs))
		return ExitUsage
	}
	dir := "policies"
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	defs, diags, err := loadDefinitions(dir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync validate: %v\n", err)
		return ExitError
	}
	diags.Sort()
	if err := write(env.Stdout, diags, defs.Sources); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync validate: write diagnostics: %v\n", err)
		return ExitError
	}
	errs := len(diags.Errors())
	warns := len(diags) - errs
	if errs > 0 {
		fmt.Fprintf(env.Stderr, "%s, %s in %s\n", plural(errs, "error"), plural(warns, "warning"), plural(defs.FileCount, "file"))
		return ExitError
	}
	if warns > 0 {
		fmt.Fprintf(env.Stderr, "%s: %s valid (%s)\n", dir, plural(defs.FileCount, "file"), plural(warns, "warning"))
	} else {
		fmt.Fprintf(env.Stderr, "%s: %s valid\n", dir, plural(defs.FileCount, "file"))
	}
	return ExitOK
}

// loadDefinitions loads a directory, or a single *.yaml/*.yml file on its own (handy while
// editing one file; references to objects in other files are then reported as missing).
func loadDefinitions(path string) (*spec.Definitions, diag.List, error) {
	info, err := os.Stat(path)
	if err != nil || info.IsDir() {
		return spec.Load(path)
	}
	if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" {
		return nil, nil, fmt.Errorf("read definitions: %q is neither a directory nor a *.yaml or *.yml file", path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read definitions: %w", err)
	}
	defs, diags := spec.Parse(map[string][]byte{path: src})
	return defs, diags, nil
}

// parseInterspersed parses flags that may also follow the positional arguments
// (`validate policies --format json`) and returns the positional arguments; done and code
// are parseFlags's.
func parseInterspersed(fs *flag.FlagSet, args []string) (pos []string, done bool, code int) {
	for {
		if done, code := parseFlags(fs, args); done {
			return nil, true, code
		}
		left := fs.Args()
		if len(left) == 0 {
			return pos, false, 0
		}
		pos = append(pos, left[0])
		args = left[1:]
	}
}

func formatNames() []string {
	out := make([]string, 0, len(validateFormats))
	for n := range validateFormats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// argText is a stray command-line argument for an error message. A secret pasted without
// its flag name (`plan policies $OKTA_API_TOKEN`) must not be echoed into a CI log: an
// argument is shown whole only when it names an existing file or is short, otherwise by
// its first characters and its length.
func argText(s string) string {
	if _, err := os.Stat(s); err == nil || len(s) <= 20 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q… (%d characters, not shown in full)", s[:4], len(s))
}

// argsText is argText of each argument, comma-separated.
func argsText(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = argText(s)
	}
	return strings.Join(q, ", ")
}

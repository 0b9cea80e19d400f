package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// reUnmanaged finds, in one <details> section of a drift report, the unmanaged object's
// address (kind.key) in the summary and the ready-to-paste YAML block under it (other
// lines, such as who last changed the object, may stand between them).
var reUnmanaged = regexp.MustCompile("(?s)<summary><code>([a-z_]+)\\.([a-z0-9_]+)</code>[^\n]*</summary>.*?```yaml\n(.*?)```")

// adoptUnmanaged does what the drift issue suggests for unmanaged objects: it pastes
// their YAML into the workspace's definitions (one adopted_<kind>.yaml file per kind, in
// the runner's copy, never in the user's folder). It returns the files written, relative
// to the workspace, or "" when there was nothing to adopt.
func (w *world) adoptUnmanaged(issueBody string) (string, error) {
	_, section, ok := strings.Cut(issueBody, "Unmanaged objects")
	if !ok {
		return "", nil
	}
	byKind := map[string][]string{}
	// One <details> section per object, so a match never runs into the next object.
	for _, part := range strings.Split(section, "<details") {
		if m := reUnmanaged.FindStringSubmatch(part); m != nil {
			byKind[m[1]] = append(byKind[m[1]], m[3])
		}
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var names []string
	for _, kind := range kinds {
		var b strings.Builder
		fmt.Fprintf(&b, "# Adopted from the drift issue: pasted as it suggests.\n%s:\n", kind)
		for _, block := range byKind[kind] {
			for _, l := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
				b.WriteString("  " + l + "\n")
			}
		}
		name := filepath.Join("policies", "adopted_"+kind+".yaml")
		if err := os.WriteFile(filepath.Join(w.files.workspace, name), []byte(b.String()), 0o644); err != nil {
			return "", fmt.Errorf("adopt the unmanaged %s: %w", kind, err)
		}
		names = append(names, name)
	}
	return strings.Join(names, ", "), nil
}

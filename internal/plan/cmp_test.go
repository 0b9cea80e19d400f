package plan

import "github.com/google/go-cmp/cmp"

// cmpIgnoreObjects compares changes without their Before/After objects, checked apart.
var cmpIgnoreObjects = cmp.FilterPath(func(p cmp.Path) bool {
	s := p.Last().String()
	return s == ".Before" || s == ".After"
}, cmp.Ignore())

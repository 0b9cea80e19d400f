package plan

import (
	"net/netip"
	"slices"
	"strings"
)

// addrRange is an inclusive range of addresses of one family.
type addrRange struct{ lo, hi netip.Addr }

// parseRange reads a gateway or proxy entry: CIDR, a-b range or single address.
func parseRange(s string) (addrRange, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		p = p.Masked()
		return addrRange{p.Addr(), lastAddr(p)}, true
	}
	if a, b, ok := strings.Cut(s, "-"); ok {
		lo, err1 := netip.ParseAddr(strings.TrimSpace(a))
		hi, err2 := netip.ParseAddr(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || lo.Is4() != hi.Is4() || hi.Less(lo) {
			return addrRange{}, false
		}
		return addrRange{lo, hi}, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return addrRange{a, a}, true
	}
	return addrRange{}, false
}

// lastAddr is the highest address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// isWholeSpace reports whether r covers every address of its family (0.0.0.0/0, ::/0).
func isWholeSpace(r addrRange) bool {
	if r.lo.Is4() {
		return r.lo == netip.IPv4Unspecified() && r.hi == netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	max := [16]byte{}
	for i := range max {
		max[i] = 0xff
	}
	return r.lo == netip.IPv6Unspecified() && r.hi == netip.AddrFrom16(max)
}

// coverage is what a gateway or proxy list covers: merged ranges, and the entries that do
// not parse (compared as text).
type coverage struct {
	ranges []addrRange
	other  map[string]bool
}

func coverageOf(entries []string) coverage {
	c := coverage{other: map[string]bool{}}
	for _, e := range entries {
		if r, ok := parseRange(e); ok {
			c.ranges = append(c.ranges, r)
		} else {
			c.other[e] = true
		}
	}
	slices.SortFunc(c.ranges, func(a, b addrRange) int { return a.lo.Compare(b.lo) })
	return c
}

// covers reports whether every address of r is in c.
func (c coverage) covers(r addrRange) bool {
	cur := r.lo
	for _, o := range c.ranges {
		if o.lo.Is4() != cur.Is4() || o.hi.Less(cur) {
			continue
		}
		if cur.Less(o.lo) {
			return false
		}
		next := o.hi.Next()
		if !next.IsValid() || r.hi.Less(next) {
			return true
		}
		cur = next
	}
	return false
}

// widened returns the entries of after that cover addresses (or, for entries that are not
// addresses, text) that before did not, and whether one of them is a whole address space.
func widened(before, after []string) (added []string, whole bool) {
	old := coverageOf(before)
	for _, e := range after {
		r, ok := parseRange(e)
		if !ok {
			if !old.other[e] {
				added = append(added, e)
			}
			continue
		}
		if !old.covers(r) {
			added = append(added, e)
			whole = whole || isWholeSpace(r)
		}
	}
	return added, whole
}

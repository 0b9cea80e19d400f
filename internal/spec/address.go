package spec

import (
	"net/netip"
	"strings"
)

// ipRange is the inclusive range of addresses a gateway or proxy entry covers.
type ipRange struct {
	lo, hi netip.Addr
}

// addrEntry is one gateway or proxy entry that parsed, for the overlap lints.
type addrEntry struct {
	field string // "gateway" or "proxy"
	text  string
	at    loc
	r     ipRange
}

// parseAddress parses a gateway or proxy entry (CIDR, a-b range or single address) and
// returns what is wrong with it, or "".
func parseAddress(s string) (ipRange, string) {
	s = strings.TrimSpace(s)
	switch {
	case strings.Contains(s, "/"):
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Addr().Zone() != "" {
			return ipRange{}, "not a valid CIDR (such as \"203.0.113.0/24\")"
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		return ipRange{lo: p.Addr(), hi: lastAddr(p)}, ""
	case strings.Contains(s, "-"):
		a, z, _ := strings.Cut(s, "-")
		lo, err1 := parseIP(a)
		hi, err2 := parseIP(z)
		if err1 != "" || err2 != "" {
			return ipRange{}, "not a valid range of two addresses (such as \"198.51.100.10-198.51.100.20\")"
		}
		if lo.Is4() != hi.Is4() {
			return ipRange{}, "the range mixes IPv4 and IPv6 addresses"
		}
		if lo.Compare(hi) > 0 {
			return ipRange{}, "the range starts after it ends"
		}
		return ipRange{lo: lo, hi: hi}, ""
	}
	a, problem := parseIP(s)
	if problem != "" {
		return ipRange{}, "not a CIDR, an a-b range or an IP address"
	}
	return ipRange{lo: a, hi: a}, ""
}

func parseIP(s string) (netip.Addr, string) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, "not an IP address"
	}
	return a.Unmap(), ""
}

// lastAddr returns the last address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr()
	if a.Is4() {
		b := a.As4()
		setHostBits(b[:], p.Bits())
		return netip.AddrFrom4(b)
	}
	b := a.As16()
	setHostBits(b[:], p.Bits())
	return netip.AddrFrom16(b)
}

func setHostBits(b []byte, bits int) {
	for i := range b {
		switch {
		case bits >= 8*(i+1):
		case bits <= 8*i:
			b[i] = 0xff
		default:
			b[i] |= 0xff >> (bits - 8*i)
		}
	}
}

// overlaps reports whether two ranges share an address.
func (r ipRange) overlaps(o ipRange) bool {
	return r.lo.Is4() == o.lo.Is4() && r.lo.Compare(o.hi) <= 0 && o.lo.Compare(r.hi) <= 0
}

// contains reports whether o lies inside r.
func (r ipRange) contains(o ipRange) bool {
	return r.lo.Is4() == o.lo.Is4() && r.lo.Compare(o.lo) <= 0 && o.hi.Compare(r.hi) <= 0
}

// isEverything reports whether r covers its whole address family (0.0.0.0/0 or ::/0).
func (r ipRange) isEverything() bool {
	if r.lo.Is4() {
		return r.contains(mustRange("0.0.0.0/0"))
	}
	return r.contains(mustRange("::/0"))
}

func mustRange(cidr string) ipRange {
	p := netip.MustParsePrefix(cidr)
	return ipRange{lo: p.Addr(), hi: lastAddr(p)}
}

// specialRanges are address ranges Okta never sees as a client's address: private,
// loopback, link-local, shared (carrier-grade NAT) and unique-local.
var specialRanges = []struct {
	r    ipRange
	name string
	cidr string
}{
	{mustRange("10.0.0.0/8"), "private", "10.0.0.0/8"},
	{mustRange("172.16.0.0/12"), "private", "172.16.0.0/12"},
	{mustRange("192.168.0.0/16"), "private", "192.168.0.0/16"},
	{mustRange("100.64.0.0/10"), "shared (carrier-grade NAT)", "100.64.0.0/10"},
	{mustRange("127.0.0.0/8"), "loopback", "127.0.0.0/8"},
	{mustRange("169.254.0.0/16"), "link-local", "169.254.0.0/16"},
	{mustRange("::1/128"), "loopback", "::1/128"},
	{mustRange("fe80::/10"), "link-local", "fe80::/10"},
	{mustRange("fc00::/7"), "unique local", "fc00::/7"},
}

package benchmarks

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/spec"
)

// realMedian is the median client-observed latency of the recorded Okta traffic
// (okta-api.md §10: 1117 ms over 396 interactions).
const realMedian = 1117 * time.Millisecond

// realScale is how much the "real" latency case is scaled down so that a 5,000-zone
// Terraform-style refresh stays under a minute; its wall time is scaled back up by the
// same factor into real-equivalent-s/op.
const realScale = 100

// latencyCase is one emulator latency of the plan benchmarks.
type latencyCase struct {
	name  string
	d     time.Duration
	scale float64 // 0: no real-equivalent figure
	// tfMaxZones, when set, limits the Terraform-style benchmark to orgs this small: at the
	// real latency a 5,000-zone refresh would take about ten minutes.
	tfMaxZones int
}

// The zero-latency case measures the local CPU cost alone (client, emulator, plan); with
// the 100ms case it gives the round trips on the critical path, which docs/benchmarks.md
// uses for a second estimate of the time at Okta's real latency.
var latencyCases = []latencyCase{
	{name: "0s", d: 0},
	{name: "100ms", d: 100 * time.Millisecond},
	{name: (realMedian / realScale).String(), d: realMedian / realScale, scale: realScale},
	// The real latency itself: itpsync's few calls make it affordable at every size, and
	// the small Terraform-style cases check the scaled estimate against a direct one.
	{name: realMedian.String(), d: realMedian, scale: 1, tfMaxZones: 100},
}

var zoneCounts = []int{10, 100, 1000, 5000}

// opResult is what one run of a reader cost.
type opResult struct {
	calls int
	wall  time.Duration
}

// measure runs f once and returns the requests the emulator received and the wall time.
func (o *benchOrg) measure(f func()) opResult {
	before := o.emu.Requests().Total
	start := time.Now()
	f()
	return opResult{calls: o.emu.Requests().Total - before, wall: time.Since(start)}
}

// reportRun reports the per-op figures shared by both readers.
func reportRun(b *testing.B, lc latencyCase, calls int, wall time.Duration) {
	n := float64(b.N)
	b.ReportMetric(float64(calls)/n, "api-calls/op")
	wallMS := float64(wall.Microseconds()) / 1e3 / n
	b.ReportMetric(wallMS, "wall-ms/op")
	if lc.scale > 0 {
		b.ReportMetric(wallMS*lc.scale/1e3, "real-equivalent-s/op")
	}
}

// skipSlow keeps the latency-bound benchmarks out of -short runs.
func skipSlow(b *testing.B) {
	if testing.Short() {
		b.Skip("latency-bound benchmark: skipped with -short")
	}
}

// BenchmarkPlan measures one itpsync plan (fresh tenant client, org read through the Okta
// SDK over HTTP, plan computed) of an org of N zones and the rest of a typical ITP
// configuration, against the emulator at latency L. The definitions are loaded once,
// outside the timer: BenchmarkValidate measures that.
func BenchmarkPlan(b *testing.B) {
	skipSlow(b)
	for _, n := range zoneCounts {
		for _, lc := range latencyCases {
			b.Run(fmt.Sprintf("zones=%d/latency=%s", n, lc.name), func(b *testing.B) {
				o := newBenchOrg(b, realistic(n), lc.d)
				d := loadDefinitions(b, o.shape)
				var (
					calls, changes, unmanaged int
					wall                      time.Duration
				)
				heap := startHeapSampler()
				for b.Loop() {
					r := o.measure(func() { changes, unmanaged = o.itpsyncPlan(b, d) })
					calls += r.calls
					wall += r.wall
				}
				peak, base := heap.Stop()
				reportRun(b, lc, calls, wall)
				b.ReportMetric(float64(o.shape.managed()), "objects")
				b.ReportMetric(float64(changes), "plan-changes")
				b.ReportMetric(float64(unmanaged), "unmanaged")
				b.ReportMetric(peak, "peak-heap-MB")
				b.ReportMetric(peak-base, "peak-over-base-MB")
			})
		}
	}
}

// BenchmarkTerraformRefresh measures the model of the Terraform provider's refresh of the
// same org (see tfReader) and, on the same emulator, one untimed itpsync plan as the
// reference of the ratios: calls-ratio and time-ratio are terraform-style / itpsync.
func BenchmarkTerraformRefresh(b *testing.B) {
	skipSlow(b)
	for _, n := range zoneCounts {
		for _, lc := range latencyCases {
			if lc.tfMaxZones > 0 && n > lc.tfMaxZones {
				continue
			}
			b.Run(fmt.Sprintf("zones=%d/latency=%s", n, lc.name), func(b *testing.B) {
				o := newBenchOrg(b, realistic(n), lc.d)
				d := loadDefinitions(b, o.shape)
				ref := o.measure(func() { o.itpsyncPlan(b, d) })
				tf := newTFReader(o)
				var (
					calls int
					wall  time.Duration
				)
				for b.Loop() {
					r := o.measure(func() {
						if err := tf.refresh(context.Background(), o.state); err != nil {
							b.Fatalf("terraform-style refresh: %v", err)
						}
					})
					calls += r.calls
					wall += r.wall
				}
				reportRun(b, lc, calls, wall)
				perOp := float64(wall) / float64(b.N)
				b.ReportMetric(float64(ref.calls), "itpsync-calls")
				b.ReportMetric(float64(ref.wall.Microseconds())/1e3, "itpsync-wall-ms")
				b.ReportMetric(float64(calls)/float64(b.N)/float64(ref.calls), "calls-ratio")
				b.ReportMetric(perOp/float64(ref.wall), "time-ratio")
			})
		}
	}
}

// BenchmarkValidate measures spec.Load (what `itpsync validate` runs: parse, check, lint)
// on a definition set of 5,000 zones in ten files plus ten entity risk rules, the two
// singleton rules, five providers and five user risks.
func BenchmarkValidate(b *testing.B) {
	s := realistic(5000)
	dir := b.TempDir()
	writeDefinitions(b, dir, s)
	b.ReportAllocs()
	var warnings int
	heap := startHeapSampler()
	for b.Loop() {
		_, diags, err := spec.Load(dir)
		if err != nil {
			b.Fatalf("spec.Load: %v", err)
		}
		if diags.HasErrors() {
			b.Fatalf("generated definitions are invalid: %v", diags.Error())
		}
		warnings = len(diags)
	}
	peak, base := heap.Stop()
	b.ReportMetric(float64(s.managed()), "objects")
	b.ReportMetric(float64(warnings), "warnings")
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(peak-base, "peak-over-base-MB")
}

// Package benchmarks holds itpsync's performance evidence; it has no product code, only
// tests and benchmarks (in _test.go files), so nothing imports it.
//
// The benchmarks read generated orgs of 10 to 5,000 network zones (plus entity risk rules,
// the two pre-provisioned rules, security events providers and user risks) from the
// emulator (internal/oktaemu) served over real HTTP with an injected per-request latency,
// in two ways:
//
//   - the way itpsync plans: engine.Plan through internal/tenant and the Okta SDK, which
//     reads with list endpoints;
//   - the way the Okta Terraform provider refreshes: one GET per managed object plus the
//     data sources' list calls, at Terraform's default parallelism of 10. That reader is a
//     model written in the test files with plain net/http, and a test checks its call
//     count against the objects it manages, so the model is verified rather than assumed.
//
// They report API calls per run, wall time, the wall time scaled to Okta's recorded median
// latency, and the heap high-water mark; BenchmarkValidate measures spec.Load on 5,000
// objects. Nothing here asserts a time: figures are only reported with b.ReportMetric. The
// ordinary tests check call counts only. docs/benchmarks.md has the command, the figures of
// one run and the method.
package benchmarks

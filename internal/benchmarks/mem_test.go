package benchmarks

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// sampleEvery is how often heapSampler reads the heap; runtime/metrics does not stop the
// world, so sampling this often barely disturbs what it measures.
const sampleEvery = 2 * time.Millisecond

// heapInuse names the runtime/metrics samples whose sum is MemStats.HeapInuse: bytes in
// heap spans holding objects (live or not yet swept) plus their unused slots.
var heapInuse = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}

// heapSampler records the high-water mark of the heap in use while it runs.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
	base uint64
}

func readHeapInuse(s []metrics.Sample) uint64 {
	metrics.Read(s)
	var n uint64
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 {
			n += v.Value.Uint64()
		}
	}
	return n
}

// startHeapSampler collects garbage (so the baseline is the live heap: the generated org
// and definitions) and starts sampling.
func startHeapSampler() *heapSampler {
	runtime.GC()
	s := make([]metrics.Sample, len(heapInuse))
	for i, name := range heapInuse {
		s[i].Name = name
	}
	h := &heapSampler{stop: make(chan struct{}), base: readHeapInuse(s)}
	h.peak = h.base
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			if v := readHeapInuse(s); v > h.peak {
				h.peak = v
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak heap in use and the baseline, in MB.
func (h *heapSampler) Stop() (peakMB, baseMB float64) {
	close(h.stop)
	h.done.Wait()
	const mb = 1 << 20
	return float64(h.peak) / mb, float64(h.base) / mb
}

package main

import (
	"fmt"
	"io"
	"sort"
	"time"
)

func (r *fanoutReport) markdown(w io.Writer) {
	fmt.Fprintf(w, "## Fan-out: %d WebSocket subscribers on one RingCentral account\n\n", r.cfg.subscribers)
	fmt.Fprintf(w, "Time from the request to the frame each subscriber reads; %d calls per round, /sim/v1/reset after each round, %d rounds on one process. "+
		"The bare broadcaster writes pbxsim's own frames, byte for byte: a hold's (%d bytes) and a new call's first (%d bytes). "+
		"Each subscriber read %.2f frames per hold or unhold and %.2f per new call.\n\n",
		r.cfg.calls, len(r.rounds), r.frameBytes, r.callFrameBytes, r.framesPerChange, r.framesPerCall)

	fmt.Fprintf(w, "### One change (a party put on hold or taken off it through the RingCentral API) against one bare frame\n\n")
	ratios := r.table(w, func(f roundFigures) ([]time.Duration, []time.Duration) { return f.change, f.bare })
	pooled := r.pooled(func(f roundFigures) ([]time.Duration, []time.Duration) { return f.change, f.bare })
	verdict := "ok"
	if pooled > 1.2 {
		verdict = "ABOVE TARGET"
	}
	fmt.Fprintf(w, "- p99 pbxsim / bare over all rounds: **%.2f×** (target ≤ 1.2×): %s\n", pooled, verdict)
	within := 0
	for _, x := range ratios {
		if x <= 1.2 {
			within++
		}
	}
	fmt.Fprintf(w, "- per round: median %.2f×, worst %.2f×; %d of %d rounds within 1.2×\n", median(ratios), maxOf(ratios), within, len(ratios))
	var answered []time.Duration
	for _, f := range r.rounds {
		answered = append(answered, f.answered...)
	}
	sortDurations(answered)
	fmt.Fprintf(w, "- the hold and unhold requests themselves were answered in %s (p50), %s (p99)\n", ms(percentile(answered, 0.5)), ms(percentile(answered, 0.99)))
	r.drift(w, ratios, func(f roundFigures) []time.Duration { return f.change })

	fmt.Fprintf(w, "### A new call: the first of its frames against a burst of %d bare frames per socket\n\n", max(1, int(r.framesPerCall+0.5)))
	ratios = r.table(w, func(f roundFigures) ([]time.Duration, []time.Duration) { return f.call, f.burst })
	fmt.Fprintf(w, "- p99 pbxsim / bare burst over all rounds: **%.2f×**; per round median %.2f×, worst %.2f×\n",
		r.pooled(func(f roundFigures) ([]time.Duration, []time.Duration) { return f.call, f.burst }), median(ratios), maxOf(ratios))
	r.drift(w, ratios, func(f roundFigures) []time.Duration { return f.call })
}

// table prints one row per round and the pooled row, and returns each
// round's p99 ratio.
func (r *fanoutReport) table(w io.Writer, pick func(roundFigures) (pbx, bare []time.Duration)) []float64 {
	fmt.Fprintf(w, "| round | pbxsim p50 | p99 | max | bare p50 | p99 | max | p99 ratio |\n|---|---|---|---|---|---|---|---|\n")
	var ratios []float64
	var allPBX, allBare []time.Duration
	for i, f := range r.rounds {
		pbx, bare := pick(f)
		ratio := float64(percentile(pbx, 0.99)) / float64(percentile(bare, 0.99))
		ratios = append(ratios, ratio)
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %.2f× |\n", i+1,
			ms(percentile(pbx, 0.5)), ms(percentile(pbx, 0.99)), ms(percentile(pbx, 1)),
			ms(percentile(bare, 0.5)), ms(percentile(bare, 0.99)), ms(percentile(bare, 1)), ratio)
		allPBX, allBare = append(allPBX, pbx...), append(allBare, bare...)
	}
	sortDurations(allPBX)
	sortDurations(allBare)
	fmt.Fprintf(w, "| all | %s | %s | %s | %s | %s | %s | %.2f× |\n\n",
		ms(percentile(allPBX, 0.5)), ms(percentile(allPBX, 0.99)), ms(percentile(allPBX, 1)),
		ms(percentile(allBare, 0.5)), ms(percentile(allBare, 0.99)), ms(percentile(allBare, 1)),
		float64(percentile(allPBX, 0.99))/float64(percentile(allBare, 0.99)))
	return ratios
}

func (r *fanoutReport) pooled(pick func(roundFigures) (pbx, bare []time.Duration)) float64 {
	var allPBX, allBare []time.Duration
	for _, f := range r.rounds {
		pbx, bare := pick(f)
		allPBX, allBare = append(allPBX, pbx...), append(allBare, bare...)
	}
	sortDurations(allPBX)
	sortDurations(allBare)
	return float64(percentile(allPBX, 0.99)) / float64(percentile(allBare, 0.99))
}

// drift compares the first half of the rounds with the second: the ratio
// against the bare floor, and pbxsim's own p99 (one process, /sim/v1/reset
// between rounds: a reset must not leave it slower).
func (r *fanoutReport) drift(w io.Writer, ratios []float64, pick func(roundFigures) []time.Duration) {
	n := len(ratios)
	if n < 2 {
		fmt.Fprintln(w)
		return
	}
	half := n / 2
	var p99s []float64
	for _, f := range r.rounds {
		p99s = append(p99s, float64(percentile(pick(f), 0.99))/float64(time.Millisecond))
	}
	fmt.Fprintf(w, "- drift: mean p99 ratio of rounds 1–%d %.2f×, of rounds %d–%d %.2f×; pbxsim's mean p99 %.1fms, then %.1fms\n\n",
		half, mean(ratios[:half]), half+1, n, mean(ratios[half:]), mean(p99s[:half]), mean(p99s[half:]))
}

func sortDurations(s []time.Duration) { sort.Slice(s, func(i, j int) bool { return s[i] < s[j] }) }

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

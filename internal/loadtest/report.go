package loadtest

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints the result as a few small tables.
func (r *Result) WriteTable(w io.Writer) error {
	c := r.Config
	setup := fmt.Sprintf("%d sessions × %d calls, %d replica", c.Sessions, c.Calls, c.Replicas)
	if c.Replicas > 1 {
		setup += "s"
	}
	if len(r.ServerArgs) > 0 {
		setup += " (" + strings.Join(r.ServerArgs, " ") + ")"
	}
	if c.Proxy || c.Replicas > 1 {
		setup += " behind a round-robin proxy"
	}
	if c.Protocol != "" {
		setup += ", protocol " + c.Protocol
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "kibana-mcp load test: %s\n\n", setup)
	fmt.Fprintf(tw, "calls\t%d\n", r.Calls)
	fmt.Fprintf(tw, "errors\t%d\n", r.ErrorCount())
	for _, kind := range slices.Sorted(maps.Keys(r.Errors)) {
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", kind, r.Errors[kind], oneLine(r.Samples[kind], 100))
	}
	fmt.Fprintf(tw, "wall time\t%s\n", r.Wall.Round(time.Millisecond))
	fmt.Fprintf(tw, "throughput\t%.1f calls/s\n", r.Throughput())
	if r.Calls > 0 {
		var cpu time.Duration
		for _, rep := range r.Replicas {
			cpu += rep.CPU
		}
		// What a call costs the servers, whatever else shares the machine.
		fmt.Fprintf(tw, "server CPU\t%s a call\n", ms(cpu/time.Duration(r.Calls)))
	}
	l := r.Latencies
	fmt.Fprintf(tw, "latency\tp50 %s\tp90 %s\tp99 %s\tmax %s\n", ms(Percentile(l, 50)), ms(Percentile(l, 90)), ms(Percentile(l, 99)), ms(Percentile(l, 100)))
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "tool\tcalls\terrors\tp50\tp99")
	for _, name := range slices.Sorted(maps.Keys(r.Tools)) {
		t := r.Tools[name]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", name, t.Calls, t.Errors, ms(Percentile(t.Latencies, 50)), ms(Percentile(t.Latencies, 99)))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "process\taddress\trequests\tpeak RSS\tCPU")
	for i, rep := range r.Replicas {
		reqs := "-"
		if c.Proxy || c.Replicas > 1 {
			reqs = fmt.Sprint(rep.Requests)
		}
		fmt.Fprintf(tw, "replica %d\t%s\t%s\t%.1f MiB\t%s\n", i+1, rep.Addr, reqs, float64(rep.PeakRSS)/(1<<20), rep.CPU.Round(10*time.Millisecond))
	}
	fmt.Fprintf(tw, "driver\t(clients, sandbox, proxy)\t\t\t%s\n", r.DriverCPU.Round(10*time.Millisecond))
	return tw.Flush()
}

// ms shows a latency in milliseconds with a precision that suits it.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 10 {
		return fmt.Sprintf("%.2fms", v)
	}
	return fmt.Sprintf("%.0fms", v)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// measureArgs are the measure command's own flags.
type measureArgs struct {
	buildDir     string // <fn>/bootstrap as deployed (make build): the sizes
	bootstrapDir string // <fn>/bootstrap for this machine with the deployed tags (make measure builds it): the durations
	eventsDir    string // <fn>/*.json: the first is the event of the first invocation
	budgetFile   string
	writeBudget  bool
	summary      string // a file the markdown table is appended to ($GITHUB_STEP_SUMMARY)
	runs         int    // cold starts per function; the durations are their medians
}

// measurement is what make measure finds for one function.
type measurement struct {
	name         string
	size, zipped int64         // bytes of the deployed bootstrap, and of its zip
	init, first  time.Duration // INIT and the first invocation's duration; 0 when not measured
	note         string        // why the durations are missing
}

// measure measures every function of the table in functions.go, prints the figures, and
// compares them with the budget file, or writes it. It fails when a figure is past its budget
// by more than its margin, or when a function cannot be measured.
func measure(ctx context.Context, opts options, args measureArgs, stdout, stderr io.Writer) error {
	if opts.localAWS != "" {
		return errors.New("measure runs the functions without AWS: -local-aws does not apply")
	}
	// Always localrun's own Runtime API: it times INIT as Lambda does, from the bootstrap's start
	// to its first request for an event. The emulator starts the bootstrap on the first invocation
	// and reports an Init Duration without it (0.02 ms), counting the start in the Duration.
	if opts.runtime == "rie" {
		return errors.New("measure runs the functions under localrun's own Runtime API: the emulator's Init Duration leaves out the bootstrap's start")
	}
	old, found, err := readBudget(args.budgetFile)
	if err != nil {
		return err
	}
	var measured []measurement
	failed := false
	for _, fn := range functions {
		m, err := measureFunction(ctx, opts, fn, args)
		if err != nil {
			_, _ = fmt.Fprintf(stderr, "%s: %v\n", fn.name, err)
			failed = true
			continue
		}
		measured = append(measured, m)
	}
	if failed {
		return errReported
	}
	if args.writeBudget {
		printTable(stdout, tableRows(measured, nil, nil, true, true))
		if err := writeBudget(args.budgetFile, old, found, measured); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "\nwrote %s from these figures: commit it\n", args.budgetFile)
		return err
	}
	var over []overrun
	var unbudgeted []string
	if found {
		over, unbudgeted = compare(old, measured)
	}
	rows := tableRows(measured, over, unbudgeted, found, false)
	printTable(stdout, rows)
	verdict := budgetVerdict(args.budgetFile, found, over, unbudgeted)
	_, _ = fmt.Fprintf(stdout, "\n%s (%d cold start(s) each, %s)\n", verdict, max(args.runs, 1), measuredUnder)
	if args.summary != "" {
		if err := appendSummary(args.summary, rows, verdict, over, measuredUnder); err != nil {
			return err
		}
	}
	if len(over) > 0 {
		for _, o := range over {
			_, _ = fmt.Fprintln(stderr, o)
		}
		return errReported
	}
	return nil
}

// measuredUnder says where the durations come from.
const measuredUnder = "under localrun's own Lambda Runtime API"

// budgetVerdict says, in one paragraph, what the comparison with the budget found.
func budgetVerdict(file string, found bool, over []overrun, unbudgeted []string) string {
	switch {
	case !found:
		return "no " + file + ": make measure BUDGET=write writes one from these figures; commit it, " +
			"and make measure then fails when a function grows past it by more than its margin"
	case len(over) > 0:
		return fmt.Sprintf("%d figure(s) past the budget in %s by more than the margin: reduce them, "+
			"or accept the new figures with make measure BUDGET=write and commit the file", len(over), file)
	case len(unbudgeted) > 0:
		return "within " + file + "; not in it yet: " + strings.Join(unbudgeted, ", ") + " (make measure BUDGET=write adds them)"
	default:
		return "every function is within " + file
	}
}

// measureFunction measures one function: the sizes of its deployed bootstrap, and the median
// INIT and first-invocation durations of runs cold starts with its first sample event.
func measureFunction(ctx context.Context, opts options, fn function, args measureArgs) (measurement, error) {
	m := measurement{name: fn.name}
	var err error
	m.size, m.zipped, err = bootstrapSizes(filepath.Join(args.buildDir, fn.name, "bootstrap"))
	if err != nil {
		return m, fmt.Errorf("%w (build it first: make build)", err)
	}
	events, err := filepath.Glob(filepath.Join(args.eventsDir, fn.name, "*.json"))
	if err != nil {
		return m, err
	}
	if len(events) == 0 {
		m.note = "no sample event in " + filepath.Join(args.eventsDir, fn.name)
		return m, nil
	}
	event, err := os.ReadFile(events[0])
	if err != nil {
		return m, err
	}
	cfg, err := configure(fn, filepath.Join(args.bootstrapDir, fn.name, "bootstrap"), opts, nil)
	if err != nil {
		return m, err
	}
	endpoint, err := freeLoopbackAddr()
	if err != nil {
		return m, err
	}
	cfg.env = offlineEnv(cfg.env, "http://"+endpoint)
	var inits, firsts []time.Duration
	for range max(args.runs, 1) {
		init, first, err := coldStart(ctx, cfg, event)
		if err != nil {
			return m, err
		}
		inits, firsts = append(inits, init), append(firsts, first)
	}
	m.init, m.first = median(inits), median(firsts)
	return m, nil
}

// offlineEnv is env for a measurement: no AWS variable of the caller's but the region, dummy
// credentials, every endpoint on a loopback port where nothing listens, no retries, and the
// stack's variables naming nothing real. An AWS call fails at once, and none reaches an
// account, whatever credentials the shell holds.
func offlineEnv(env []string, endpoint string) []string {
	kept := make([]string, 0, len(env)+len(stackPlaceholders)+5)
	for _, kv := range env {
		key, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, "AWS_") && key != "AWS_REGION" && key != "AWS_DEFAULT_REGION" {
			continue
		}
		kept = append(kept, kv)
	}
	kept = append(kept,
		"AWS_ACCESS_KEY_ID=measure",
		"AWS_SECRET_ACCESS_KEY=measure",
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
	)
	return append(kept, stackPlaceholders...)
}

// coldStart runs event through a fresh execution environment and returns the INIT and
// invocation durations of its REPORT line. A function that answers with an error is measured
// all the same; one that cannot start, crashes or times out is not.
func coldStart(ctx context.Context, cfg functionConfig, event []byte) (init, first time.Duration, err error) {
	var logs, reports bytes.Buffer
	out := &output{logs: &logs, reports: &reports}
	run := &builtin{cfg: cfg, out: out}
	_, err = run.invoke(ctx, event)
	run.stop()
	var failed *invocationError
	if err != nil && (!errors.As(err, &failed) || failed.Type == "Runtime.ExitError" || failed.Type == "Sandbox.Timedout") {
		return 0, 0, fmt.Errorf("%w\n%s", err, strings.TrimSpace(logs.String()))
	}
	init, first, ok := parseReport(reports.String())
	if !ok {
		return 0, 0, fmt.Errorf("no REPORT line with an Init Duration:\n%s%s", logs.String(), reports.String())
	}
	return init, first, nil
}

// parseReport reads the Init Duration and the Duration of the first REPORT line in text.
func parseReport(text string) (init, duration time.Duration, ok bool) {
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(line, "REPORT RequestId: ") {
			continue
		}
		var haveInit, haveDuration bool
		for field := range strings.SplitSeq(strings.TrimSpace(line), "\t") {
			name, value, _ := strings.Cut(field, ": ")
			d, err := time.ParseDuration(strings.ReplaceAll(value, " ", ""))
			switch {
			case err != nil:
			case name == "Init Duration":
				init, haveInit = d, true
			case name == "Duration":
				duration, haveDuration = d, true
			}
		}
		return init, duration, haveInit && haveDuration
	}
	return 0, 0, false
}

// median of one or more durations (the mean of the middle two for an even number).
func median(values []time.Duration) time.Duration {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(values))
	middle := len(sorted) / 2
	if len(sorted)%2 == 0 {
		return (sorted[middle-1] + sorted[middle]) / 2
	}
	return sorted[middle]
}

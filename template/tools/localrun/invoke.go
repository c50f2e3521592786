package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// invokeArgs are the invoke command's own flags.
type invokeArgs struct {
	name, bootstrap, eventFile string
}

// invoke runs one event through the function. On success the response, pretty-printed, is all
// that goes to stdout (make invoke | jq works); the function's logs and the REPORT line go to
// stderr. On failure the first line on stderr says what failed, "<fn>: <errorType>:
// <errorMessage>", then come the logs that explain it, and nothing goes to stdout.
func invoke(ctx context.Context, opts options, args invokeArgs, stdout, stderr io.Writer) error {
	event, err := os.ReadFile(args.eventFile)
	if err != nil {
		return err
	}
	if !json.Valid(event) {
		return fmt.Errorf("%s is not valid JSON", args.eventFile)
	}
	fn, err := lookupFunction(args.name)
	if err != nil {
		return err
	}
	mode, err := resolveRuntime(opts.runtime, opts.rie)
	if err != nil {
		return err
	}
	// The output waits until the invocation is over: what failed comes first.
	var logs, reports bytes.Buffer
	out := &output{logs: &logs, reports: &reports, verbose: opts.verbose}
	var aws *localAWS
	if opts.localAWS != "" {
		// Its own output waits too: a failing function's reason stays the first line.
		if aws, err = startLocalAWS(ctx, opts.localAWS, os.Environ(), out, localAWSWait); err != nil {
			_, _ = fmt.Fprintf(stderr, "%s: %v\n", fn.name, err)
			_, _ = stderr.Write(logs.Bytes())
			return errReported
		}
		defer aws.stop()
		out.log(aws.describe())
	}
	cfg, err := configure(fn, args.bootstrap, opts, aws)
	if err != nil {
		return err
	}
	if opts.verbose {
		out.log(describeRuntime(mode))
	}
	run := newRunner(mode, opts.rie, cfg, out)
	response, err := run.invoke(ctx, event)
	run.stop() // all of the function's output is in once it has stopped
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "%s: %v\n", fn.name, err)
	}
	_, _ = stderr.Write(logs.Bytes())
	_, _ = stderr.Write(reports.Bytes())
	if err != nil {
		return errReported
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, response, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(response)
	}
	_, err = fmt.Fprintln(stdout, pretty.String())
	return err
}

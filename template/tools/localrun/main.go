// Command localrun runs this project's Lambda functions on your machine, without Docker. The
// Makefile drives it:
//
//	make invoke FN=<function> [EVENT=<file>]   one invocation: prints the response and the REPORT line
//	make dev [DEV_PORT=3000]                     serves the HTTP functions on 127.0.0.1
//	make token [CLAIMS='{"email":"..."}']        prints a bearer token make dev accepts (auth.go)
//	make measure [BUDGET=write]                  sizes and cold starts, against the budget file (measure.go)
//
// A function runs as Lambda runs it: its bootstrap (built for this machine) starts on the first
// invocation, stays warm for the next ones, takes one at a time, gets the memory size, timeout
// and Lambda environment variables the stack gives it, and is killed past its timeout. Two
// runners do that behind one interface: the AWS Lambda Runtime Interface Emulator
// (aws-lambda-rie, Linux only), and localrun's own Runtime API (builtin), for macOS, or any
// machine without the emulator. The functions get this process's environment, so
// AWS_ENDPOINT_URL, TABLE_NAME and friends reach them unchanged; or -local-aws starts a local AWS
// and gives each function the environment the stack would (see localaws.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `usage:
  localrun invoke -fn <name> -bootstrap <file> -event <file.json> [flags]
  localrun dev -bootstrap-dir <dir> [-port 3000] [-watch=false] [flags]
  localrun token [-claims '{"email":"ada@example.com"}'] [-ttl 1h]
  localrun measure -build-dir <dir> -bootstrap-dir <dir> -events-dir <dir> -budget <file.json>
                   [-write-budget] [-summary <file.md>] [-runs 3] [flags]

flags of invoke, dev and measure:
  -runtime auto|rie|builtin  auto (the default): rie on Linux when -rie names the emulator, else builtin
  -rie <file>                the aws-lambda-rie binary (needed by -runtime rie)
  -timeout <seconds>         overrides every function's timeout (for a debugger)
  -local-aws "<command>"     starts a local AWS; its one JSON line on stdout sets the functions' environment
  -verbose                   also the emulator's own log lines, and START/END`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if errors.Is(err, errReported) {
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localrun:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	flags := flag.NewFlagSet(args[0], flag.ContinueOnError)
	flags.SetOutput(io.Discard) // a bad flag prints the usage below, once
	var opts options
	flags.StringVar(&opts.runtime, "runtime", "auto", "auto, rie or builtin")
	flags.StringVar(&opts.rie, "rie", "", "path of the aws-lambda-rie binary")
	flags.IntVar(&opts.timeout, "timeout", 0, "seconds; overrides every function's timeout")
	flags.StringVar(&opts.localAWS, "local-aws", "", "command that starts a local AWS and prints its settings")
	flags.BoolVar(&opts.verbose, "verbose", false, "also the emulator's own log lines, and START/END")
	parse := func() error {
		if err := flags.Parse(args[1:]); err != nil {
			return fmt.Errorf("%w\n%s", err, usage)
		}
		if flags.NArg() > 0 {
			return fmt.Errorf("unexpected argument %q\n%s", flags.Arg(0), usage)
		}
		return nil
	}
	switch args[0] {
	case "token":
		claims := flags.String("claims", "", "JSON object of claims on top of the default ones")
		ttl := flags.Duration("ttl", time.Hour, "how long the token is valid")
		if err := parse(); err != nil {
			return err
		}
		return printToken(os.Stdout, *claims, *ttl)
	case "invoke":
		var a invokeArgs
		flags.StringVar(&a.bootstrap, "bootstrap", "", "the function's bootstrap, built for this machine")
		flags.StringVar(&a.name, "fn", "", "function name, as in tools/localrun/functions.go")
		flags.StringVar(&a.eventFile, "event", "", "JSON event file")
		if err := parse(); err != nil {
			return err
		}
		if a.bootstrap == "" || a.name == "" || a.eventFile == "" {
			return errors.New(usage)
		}
		return invoke(ctx, opts, a, os.Stdout, os.Stderr)
	case "measure":
		var a measureArgs
		flags.StringVar(&a.buildDir, "build-dir", "", "directory holding <function>/bootstrap as deployed: the sizes")
		flags.StringVar(&a.bootstrapDir, "bootstrap-dir", "", "directory holding <function>/bootstrap for this machine: the durations")
		flags.StringVar(&a.eventsDir, "events-dir", "", "directory holding <function>/*.json; the first is invoked")
		flags.StringVar(&a.budgetFile, "budget", "", "the budget file (JSON)")
		flags.BoolVar(&a.writeBudget, "write-budget", false, "write the budget file from the figures measured")
		flags.StringVar(&a.summary, "summary", "", "a file to append the table to, in markdown")
		flags.IntVar(&a.runs, "runs", 3, "cold starts per function; the durations are their medians")
		if err := parse(); err != nil {
			return err
		}
		if a.buildDir == "" || a.bootstrapDir == "" || a.eventsDir == "" || a.budgetFile == "" {
			return errors.New(usage)
		}
		return measure(ctx, opts, a, os.Stdout, os.Stderr)
	case "dev":
		dir := flags.String("bootstrap-dir", "", "directory holding <function>/bootstrap")
		port := flags.Int("port", 3000, "port of the first HTTP function; the next ones follow")
		watch := flags.Bool("watch", true, "rebuild and restart the functions when their Go sources change")
		if err := parse(); err != nil {
			return err
		}
		if *dir == "" {
			return errors.New(usage)
		}
		return serve(ctx, opts, *dir, *port, *watch)
	default:
		return errors.New(usage)
	}
}

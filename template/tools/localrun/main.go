// Command localrun runs this project's Lambda functions on your machine, without Docker, under
// the AWS Lambda Runtime Interface Emulator. The Makefile drives it:
//
//	make invoke FN=<function> [EVENT=<file>]   one invocation: prints the response and the REPORT line
//	make dev [DEV_PORT=3000]                     serves the HTTP functions on 127.0.0.1
//
// The functions run exactly as built for Lambda (a bootstrap for linux/<host arch>), with this
// process's environment: AWS_ENDPOINT_URL, TABLE_NAME and friends reach them unchanged.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage:
  localrun invoke -rie <emulator> -bootstrap <file> -fn <name> -event <file.json>
  localrun dev -rie <emulator> -bootstrap-dir <dir> [-port 3000]`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
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
	rie := flags.String("rie", "", "path to the aws-lambda-rie binary")
	switch args[0] {
	case "invoke":
		bootstrap := flags.String("bootstrap", "", "the function's bootstrap, built for this machine")
		name := flags.String("fn", "", "function name (AWS_LAMBDA_FUNCTION_NAME)")
		event := flags.String("event", "", "JSON event file")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if *rie == "" || *bootstrap == "" || *name == "" || *event == "" {
			return errors.New(usage)
		}
		return invoke(ctx, *rie, *bootstrap, *name, *event)
	case "dev":
		dir := flags.String("bootstrap-dir", "", "directory holding <function>/bootstrap")
		port := flags.Int("port", 3000, "port of the first HTTP function; the next ones follow")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if *rie == "" || *dir == "" {
			return errors.New(usage)
		}
		return serve(ctx, *rie, *dir, *port)
	default:
		return errors.New(usage)
	}
}

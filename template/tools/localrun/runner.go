package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// runner runs one function the way Lambda runs it in one execution environment: the process
// starts on the first invocation (a cold start), stays warm for the next ones, and runs one
// invocation at a time.
type runner interface {
	// invoke sends one event and returns the function's response. When the function fails
	// (returns an error, times out, crashes) the error is an *invocationError.
	invoke(ctx context.Context, event []byte) ([]byte, error)
	// stop ends the function's process, if one runs, after the invocation in progress; the
	// next invoke cold-starts it again, from its bootstrap as it is then.
	stop()
}

// options are the flags invoke and dev share.
type options struct {
	runtime  string // auto, rie or builtin
	rie      string // path of aws-lambda-rie
	timeout  int    // seconds; overrides every function's own (for a debugger)
	localAWS string // command line that starts a local AWS and prints its settings
	verbose  bool   // also the emulator's own log lines, and START/END
}

// resolveRuntime picks the runner: the emulator where it runs (Linux) and is installed, else
// localrun's own Runtime API, which needs nothing but the bootstrap.
func resolveRuntime(mode, rie string) (string, error) {
	switch mode {
	case "builtin":
		return mode, nil
	case "rie":
		if rie == "" {
			return "", errors.New("-runtime rie needs -rie <path of aws-lambda-rie>")
		}
		if !isFile(rie) {
			return "", fmt.Errorf("-rie %s: no such file (make invoke installs it)", rie)
		}
		return mode, nil
	case "auto", "":
		if runtime.GOOS == "linux" && rie != "" && isFile(rie) {
			return "rie", nil
		}
		return "builtin", nil
	default:
		return "", fmt.Errorf("-runtime %s: want auto, rie or builtin", mode)
	}
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

func newRunner(mode, rie string, cfg functionConfig, out *output) runner {
	if mode == "rie" {
		return &emulator{rie: rie, cfg: cfg, out: out}
	}
	return &builtin{cfg: cfg, out: out}
}

// describeRuntime says on which runner the functions run.
func describeRuntime(mode string) string {
	if mode == "rie" {
		return "the functions run under the Lambda Runtime Interface Emulator"
	}
	return "the functions run under localrun's own Lambda Runtime API"
}

// functionConfig is what a runner needs to run one function: as deployed (memory, timeout),
// with the environment it sees (the Lambda variables come on top, from lambdaEnv).
type functionConfig struct {
	name      string
	bootstrap string // absolute; any executable (a wrapper that execs dlv will do)
	memory    int    // MB
	timeout   time.Duration
	region    string
	env       []string
}

// lookupFunction finds a function of the table in functions.go.
func lookupFunction(name string) (function, error) {
	names := make([]string, 0, len(functions))
	for _, fn := range functions {
		if fn.name == name {
			return fn, nil
		}
		names = append(names, fn.name)
	}
	return function{}, fmt.Errorf("no function %q in tools/localrun/functions.go (it lists %s); add it there when you add one by hand",
		name, strings.Join(names, ", "))
}

// configure settles how fn runs: its bootstrap, the memory and timeout of the table unless the
// local AWS settings or -timeout say otherwise, and its environment: the caller's, pointed at
// the local AWS when there is one.
func configure(fn function, bootstrap string, opts options, aws *localAWS) (functionConfig, error) {
	abs, err := filepath.Abs(bootstrap)
	if err != nil {
		return functionConfig{}, err
	}
	if _, err := os.Stat(abs); err != nil { //nolint:gosec // G703: the path comes from the Makefile.
		return functionConfig{}, fmt.Errorf("function %s: %w (build it first: make local-build)", fn.name, err)
	}
	cfg := functionConfig{
		name:      fn.name,
		bootstrap: abs,
		memory:    fn.memory,
		timeout:   time.Duration(fn.timeout) * time.Second,
		env:       os.Environ(),
	}
	if aws != nil {
		settings, err := aws.function(fn)
		if err != nil {
			return functionConfig{}, err
		}
		cfg.env = aws.environ(cfg.env, settings)
		if settings.Memory > 0 {
			cfg.memory = settings.Memory
		}
		if settings.Timeout > 0 {
			cfg.timeout = time.Duration(settings.Timeout) * time.Second
		}
	}
	if fn.kind == "authorizer" {
		// localrun's issuer, whose tokens make token mints, instead of the stack's (later wins).
		cfg.env = append(cfg.env, authorizerEnv()...)
	}
	if opts.timeout > 0 {
		cfg.timeout = time.Duration(opts.timeout) * time.Second
	}
	if cfg.memory <= 0 {
		cfg.memory = 128 // Lambda's defaults, for a function added to the table without them
	}
	if cfg.timeout <= 0 {
		cfg.timeout = 3 * time.Second
	}
	cfg.region = first(lookupEnv(cfg.env, "AWS_REGION"), lookupEnv(cfg.env, "AWS_DEFAULT_REGION"), "us-east-1")
	return cfg, nil
}

// lambdaEnv is cfg's environment plus the variables Lambda sets for the function. Later
// entries win (os/exec keeps the last of duplicate keys).
func lambdaEnv(cfg functionConfig) []string {
	now := time.Now().UTC()
	return append(cfg.env[:len(cfg.env):len(cfg.env)],
		"AWS_LAMBDA_FUNCTION_NAME="+cfg.name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(cfg.memory),
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+cfg.name,
		"AWS_LAMBDA_LOG_STREAM_NAME="+now.Format("2006/01/02")+"/[$LATEST]"+strings.ReplaceAll(newRequestID(), "-", ""),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION="+cfg.region,
		"AWS_DEFAULT_REGION="+cfg.region,
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT="+filepath.Dir(cfg.bootstrap),
	)
}

// lookupEnv returns the last value of key in env.
func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if value, ok := strings.CutPrefix(env[i], key+"="); ok {
			return value
		}
	}
	return ""
}

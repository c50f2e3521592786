"""The users API's start-up and size against hand-written functions with the same clients.

Run by maintainers, not by the test suite: figures are measured, never asserted. It generates the
default project from this checkout into a temporary directory, adds three hand-written reference
functions beside its `api` (the users CRUD function) and measures all four with the project's own
`make measure` machinery (localrun's Runtime API, offline), in several interleaved rounds:

- ref-hello: hello world, the floor every function starts from;
- ref-sdk:   the same DynamoDB client, configured the usual way, with config.LoadDefaultConfig;
- ref-lean:  the same client with its aws.Config built by hand from the variables Lambda sets.

With --before REF it also generates the project from that git ref of this checkout (e.g. main) and
measures its `api` as `api-before` in the same rounds.

It prints the bootstrap sizes and the median INIT of every round, and each as a ratio to the
references, measured in the same run (the machine is noisy; compare ratios, not milliseconds).

    .venv/bin/python scripts/compare_startup.py [--rounds 5] [--runs 11] [--before main]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from plumbum import local

ROOT = Path(__file__).resolve().parents[1]
COPIER = local[str(Path(sys.executable).with_name("copier"))]

HANDLER = """
	client := dynamodb.NewFromConfig(cfg)
	table := os.Getenv("TABLE_NAME")
	lambda.Start(func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		out, err := client.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(table),
			Key: map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "USER#" + req.PathParameters["userId"]},
			},
		})
		if err != nil {
			return events.APIGatewayProxyResponse{StatusCode: 500}, nil
		}
		var item map[string]any
		if err := attributevalue.UnmarshalMap(out.Item, &item); err != nil {
			return events.APIGatewayProxyResponse{StatusCode: 500}, nil
		}
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	})
}
"""

IMPORTS = """
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
"""

REFERENCES = {
    "ref-hello": """package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(_ context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: "hello"}, nil
	})
}
""",
    "ref-sdk": f"""package main

import (
	"context"
	"log"
	"os"
{IMPORTS}	"github.com/aws/aws-sdk-go-v2/config"
)

func main() {{
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {{
		log.Fatal(err)
	}}{HANDLER}""",
    "ref-lean": f"""package main

import (
	"context"
	"os"
{IMPORTS}	"github.com/aws/aws-sdk-go-v2/credentials"
)

func main() {{
	cfg := aws.Config{{
		Region: os.Getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"))),
	}}
	if endpoint := os.Getenv("AWS_ENDPOINT_URL"); endpoint != "" {{
		cfg.BaseEndpoint = aws.String(endpoint)
	}}{HANDLER}""",
}

# Times INIT by CPU time as well as wall time: the first barely moves when other processes load
# the machine, the second does. Written into the generated project and run with go run.
INIT_CPU = r"""// Command initcpu starts each bootstrap as Lambda would, many times, interleaved, and reports the
// median and the least CPU time (user + system) each spends before it asks for its first event:
// its INIT. CPU time moves less than wall time when other processes load the machine, and the
// least of many runs least of all.
//
//	go run ./tools/initcpu -rounds 41 name=path/to/bootstrap ...
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 41, "cold starts per bootstrap")
	flag.Parse()
	ready := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		ready <- struct{}{}
		<-r.Context().Done()
	})
	mux.HandleFunc("/2020-01-01/extension/register", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Lambda-Extension-Identifier", "id")
		_, _ = w.Write([]byte("{}"))
	})
	mux.HandleFunc("/2020-01-01/extension/event/next", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { _ = http.Serve(listener, mux) }()

	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_LAMBDA_RUNTIME_API="+listener.Addr().String(), "AWS_LAMBDA_FUNCTION_NAME=f",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_ACCESS_KEY_ID=a", "AWS_SECRET_ACCESS_KEY=b", "AWS_SESSION_TOKEN=c",
		"TABLE_NAME=t", "AWS_LAMBDA_LOG_FORMAT=JSON")

	type target struct{ name, path string }
	var targets []target
	for _, arg := range flag.Args() {
		name, path, _ := strings.Cut(arg, "=")
		targets = append(targets, target{name, path})
	}
	cpu := map[string][]time.Duration{}
	wall := map[string][]time.Duration{}
	for range *rounds {
		for _, t := range targets {
			cmd := exec.Command(t.path)
			cmd.Env = env
			started := time.Now()
			if err := cmd.Start(); err != nil {
				panic(err)
			}
			select {
			case <-ready:
			case <-time.After(10 * time.Second):
				panic(t.name + " never asked for an event")
			}
			elapsed := time.Since(started)
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			cpu[t.name] = append(cpu[t.name], time.Duration(usage.Utime.Nano()+usage.Stime.Nano()))
			wall[t.name] = append(wall[t.name], elapsed)
		}
	}
	for _, t := range targets {
		fmt.Printf("%s %.3f %.3f\n", t.name, ms(median(cpu[t.name])), ms(slices.Min(cpu[t.name])))
	}
}

func median(values []time.Duration) time.Duration {
	slices.Sort(values)
	return values[len(values)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
"""

ROW = re.compile(r"^(\S+)\s+([\d,]+)\s+([\d,]+)\s+([\d.]+)\s+([\d.]+)")


def generate(destination: Path, ref: str) -> None:
    COPIER["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", ref, str(ROOT), str(destination)]()


def add_before(project: Path, before: Path) -> None:
    """Puts before's api bootstraps (deployed and local) into project as the function api-before."""
    with local.cwd(before):
        local["make"]["build", "local-build", "FN=api"]()
    for built in ("build", "build/local"):
        (project / built / "api-before").mkdir(parents=True)
        shutil.copy2(before / built / "api/bootstrap", project / built / "api-before/bootstrap")
    shutil.copytree(project / "events/api", project / "events/api-before")


def add_references(project: Path, before: bool) -> list[str]:
    """Writes the reference functions into project as functions of its own; returns all names."""
    for name, source in REFERENCES.items():
        (project / "cmd" / name).mkdir(parents=True)
        (project / "cmd" / name / "main.go").write_text(source)
        (project / "events" / name).mkdir(parents=True)
        (project / "events" / name / "get.json").write_text('{"pathParameters": {"userId": "1"}}\n')
    table = project / "tools/localrun/functions.go"
    text = table.read_text().rstrip()
    assert text.endswith("}"), "functions.go no longer ends with the table"
    rows = "".join(f'\t{{name: "{n}", kind: "direct", memory: 1024, timeout: 30, cdkID: "X"}},\n' for n in REFERENCES)
    if before:
        rows += '\t{name: "api-before", kind: "apigw-rest", memory: 1024, timeout: 30, cdkID: "X"},\n'
    table.write_text(text[:-1] + rows + "}\n")
    makefile = project / "Makefile"
    names = ["api", *REFERENCES]
    functions = "FUNCTIONS := " + " ".join(names)
    makefile.write_text(re.sub(r"^FUNCTIONS := .*$", functions, makefile.read_text(), flags=re.M))
    return [*(["api-before"] if before else []), *names]


def measure_init_cpu(project: Path, names: list[str], rounds: int) -> dict[str, tuple[float, float]]:
    """Median and least CPU milliseconds each local bootstrap spends before it asks for an event."""
    (project / "tools/initcpu").mkdir()
    (project / "tools/initcpu/main.go").write_text(INIT_CPU)
    targets = [f"{name}=build/local/{name}/bootstrap" for name in names]
    with local.cwd(project):
        out = local["go"]["run", "./tools/initcpu", "-rounds", str(rounds), *targets]()
    return {name: (float(median), float(least)) for name, median, least in (line.split() for line in out.splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="make measure rounds (default 5)")
    parser.add_argument("--runs", type=int, default=11, help="cold starts per function and round (default 11)")
    parser.add_argument("--cpu-runs", type=int, default=61, help="cold starts per function for CPU time (default 61)")
    parser.add_argument("--before", metavar="REF", help="also measure the api generated from this git ref")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="compare-startup-") as tmp:
        project = Path(tmp) / "project"
        generate(project, "HEAD")
        names = add_references(project, bool(args.before))
        with local.cwd(project):
            local["make"]["build", "local-build"]()
            # The local build keeps config.LoadDefaultConfig for named profiles; time the api as
            # deployed, with make build's tags.
            tags = local["make"]["-s", "--eval=print-tags: ; @echo $(DEPLOY_TAGS)", "print-tags"]().strip()
            with local.env(CGO_ENABLED="0"):
                local["go"]["build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-tags", tags][
                    "-o", "build/local/api/bootstrap", "./cmd/api"
                ]()
        if args.before:
            generate(Path(tmp) / "before", args.before)
            add_before(project, Path(tmp) / "before")
        sizes: dict[str, int] = {}
        inits: dict[str, list[float]] = {name: [] for name in names}
        measure = local[str(project / ".tools/localrun")][
            "measure",
            "-build-dir",
            "build",
            "-bootstrap-dir",
            "build/local",
            "-events-dir",
            "events",
            "-budget",
            str(Path(tmp) / "none.json"),
            "-runs",
            str(args.runs),
        ]
        with local.cwd(project):
            for _ in range(args.rounds):
                for line in measure().splitlines():
                    if (match := ROW.match(line)) and match[1] in inits:
                        sizes[match[1]] = int(match[2].replace(",", ""))
                        inits[match[1]].append(float(match[4]))
        cpu = measure_init_cpu(project, names, args.cpu_runs)
    init = {name: statistics.median(values) for name, values in inits.items()}
    print(
        f"INIT: median of {args.rounds} make-measure rounds x {args.runs} cold starts (wall); INIT CPU:"
        f" median and least of {args.cpu_runs} cold starts (user + system); ratios of the least CPU\n"
    )
    print(
        "| function | bootstrap bytes | INIT ms | INIT CPU ms | least CPU ms | size / ref-sdk | size / ref-lean"
        " | CPU / ref-hello | CPU / ref-sdk | CPU / ref-lean |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    least = {name: value[1] for name, value in cpu.items()}
    for name in names:
        print(
            f"| {name} | {sizes[name]:,} | {init[name]:.1f} | {cpu[name][0]:.2f} | {least[name]:.2f} | "
            f"{sizes[name] / sizes['ref-sdk']:.2f} | {sizes[name] / sizes['ref-lean']:.2f} | "
            f"{least[name] / least['ref-hello']:.2f} | {least[name] / least['ref-sdk']:.2f} | "
            f"{least[name] / least['ref-lean']:.2f} |"
        )
    print("\nINIT of every round (ms):")
    for name in names:
        print(f"  {name}: {', '.join(f'{v:.1f}' for v in inits[name])}")


if __name__ == "__main__":
    main()

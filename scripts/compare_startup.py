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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="make measure rounds (default 5)")
    parser.add_argument("--runs", type=int, default=11, help="cold starts per function and round (default 11)")
    parser.add_argument("--before", metavar="REF", help="also measure the api generated from this git ref")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="compare-startup-") as tmp:
        project = Path(tmp) / "project"
        generate(project, "HEAD")
        names = add_references(project, bool(args.before))
        with local.cwd(project):
            local["make"]["build", "local-build"]()
        if args.before:
            generate(Path(tmp) / "before", args.before)
            add_before(project, Path(tmp) / "before")
        with local.cwd(project):
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
            for _ in range(args.rounds):
                for line in measure().splitlines():
                    if (match := ROW.match(line)) and match[1] in inits:
                        sizes[match[1]] = int(match[2].replace(",", ""))
                        inits[match[1]].append(float(match[4]))
    init = {name: statistics.median(values) for name, values in inits.items()}
    print(f"{args.rounds} rounds x {args.runs} cold starts; INIT is the median of the rounds' medians\n")
    print(
        "| function | bootstrap bytes | INIT ms | size / ref-sdk | size / ref-lean"
        " | INIT / ref-hello | INIT / ref-sdk | INIT / ref-lean |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        print(
            f"| {name} | {sizes[name]:,} | {init[name]:.1f} | {sizes[name] / sizes['ref-sdk']:.2f} | "
            f"{sizes[name] / sizes['ref-lean']:.2f} | {init[name] / init['ref-hello']:.2f} | "
            f"{init[name] / init['ref-sdk']:.2f} | {init[name] / init['ref-lean']:.2f} |"
        )
    print("\nINIT of every round (ms):")
    for name in names:
        print(f"  {name}: {', '.join(f'{v:.1f}' for v in inits[name])}")


if __name__ == "__main__":
    main()

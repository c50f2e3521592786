import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GoFunction } from '@aws-cdk/aws-lambda-go-alpha';
import { DockerImage, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { Bundling } from './config-types';

/**
 * The Makefile's GO_BUILD_FLAGS: no paths, no VCS stamp, no symbols, no
 * net/rpc. With CGO_ENABLED=0 the same source gives the same bytes, so the
 * asset hash (and the deployed code) changes only when the code does.
 */
export const GO_BUILD_FLAGS = ['-trimpath', '-buildvcs=false', '-tags lambda.norpc', '-ldflags="-s -w"'];

/**
 * The Makefile's DEPLOY_TAGS, which replace GO_BUILD_FLAGS' tags (go keeps the
 * last -tags) in what is deployed: awsconfig.lambdaonly leaves
 * config.LoadDefaultConfig out (internal/awsconfig reads the Lambda
 * environment itself), as make build does for prebuilt bootstraps.
 */
export const DEPLOY_TAGS = 'lambda.norpc,awsconfig.lambdaonly';

/** What GoFunction passes to go build: the flags, then the deploy tags. */
export const GO_FUNCTION_BUILD_FLAGS = [...GO_BUILD_FLAGS, `-tags ${DEPLOY_TAGS}`];

/** Where the code of the functions comes from. */
export interface GoSource {
  bundling: Bundling;
  /** `prebuilt`: the directory holding `<name>/bootstrap` (the Makefile's build/). */
  assetRoot: string;
  /** `go-function`: the Go module root, holding go.mod and `cmd/<name>/`. */
  projectRoot: string;
}

/**
 * Everything about a function but its code, so both bundling modes get the
 * same function. Runtime and architecture are required: GoFunction would
 * silently default to provided.al2 on x86_64.
 */
export type GoLambdaProps = lambda.FunctionOptions & {
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
};

/**
 * The Go function `name` (`cmd/<name>`) as a `lambda.Function` with handler
 * `bootstrap`: a plain `lambda.Function` over `build/<name>/` or a
 * `GoFunction` that compiles `cmd/<name>` at synth. Only the code differs.
 */
export function newGoLambda(scope: Construct, id: string, name: string, source: GoSource, props: GoLambdaProps): lambda.Function {
  switch (source.bundling) {
    case 'prebuilt':
      return new lambda.Function(scope, id, {
        ...props,
        handler: 'bootstrap',
        code: prebuiltCode(name, source.assetRoot),
      });
    case 'go-function':
      return newGoFunction(scope, id, name, source.projectRoot, props);
    default:
      throw new Error(`function '${name}': unknown bundling '${String(source.bundling satisfies never)}'`);
  }
}

function prebuiltCode(name: string, assetRoot: string): lambda.Code {
  const codeDir = path.join(assetRoot, name);
  const bootstrap = path.join(codeDir, 'bootstrap');
  if (!fs.existsSync(bootstrap)) {
    throw new Error(`function '${name}': ${bootstrap} not found; build the functions first (make build)`);
  }
  return lambda.Code.fromAsset(codeDir);
}

function newGoFunction(scope: Construct, id: string, name: string, projectRoot: string, props: GoLambdaProps): lambda.Function {
  const moduleDir = path.join(projectRoot, 'go.mod');
  const entry = path.join(projectRoot, 'cmd', name);
  if (!fs.existsSync(moduleDir)) {
    throw new Error(`function '${name}': ${moduleDir} not found; projectRoot must be the Go module root`);
  }
  if (!fs.existsSync(entry)) {
    throw new Error(`function '${name}': ${entry} not found; every function needs its cmd/${name} package`);
  }
  // Fail clearly instead of falling back to Docker, which GoFunction does when
  // `go` is missing. Skipped when this stack is not bundled (jest tests,
  // `cdk synth --exclusively OtherStack`).
  if (Stack.of(scope).bundlingRequired && !goOnPath()) {
    throw new Error(
      `function '${name}': bundling 'go-function' compiles with the local Go toolchain, and 'go' is not on PATH; ` +
        "install Go (see go.mod) or set bundling: 'prebuilt' in lib/service-config.ts and run make build",
    );
  }

  const fn = new GoFunction(scope, id, {
    ...props,
    entry,
    moduleDir,
    bundling: {
      goBuildFlags: GO_FUNCTION_BUILD_FLAGS,
      cgoEnabled: false, // CGO_ENABLED=0: a static binary for the OS-only runtime
      // Never Docker: without `go` on PATH GoFunction builds its Docker image
      // (from the retired go1.x SAM image) in its constructor, even when
      // bundling is skipped. With an image given it builds nothing; the check
      // above ensures that image is never run.
      dockerImage: DockerImage.fromRegistry('go-function-bundles-with-the-local-go-toolchain'),
    },
  });
  // GoFunction warns on the scope (the stack) whenever goBuildFlags is set.
  Validations.of(scope).acknowledge({
    id: '@aws-cdk/aws-lambda-go-alpha:goBuildFlagsSecurityWarning',
    reason:
      'goBuildFlags is the constant GO_FUNCTION_BUILD_FLAGS in lib/go-lambda.ts (GO_BUILD_FLAGS and ' +
      'DEPLOY_TAGS, the Makefile\'s: -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" ' +
      '-tags lambda.norpc,awsconfig.lambdaonly), not input from a third party; ' +
      'no -toolexec or -exec flag that could run other programs',
  });
  return fn;
}

function goOnPath(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore', env: process.env }).status === 0;
}

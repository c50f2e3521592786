// Bundling 'go-function' (GoFunction compiles cmd/<name> at synth) against 'prebuilt'. None of
// these tests needs Go, Docker or a build: bundling is skipped (helpers' NO_BUNDLING), and what
// GoFunction would run is read from the bundling options it hands to lambda.Code.fromAsset.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GoFunction } from '@aws-cdk/aws-lambda-go-alpha';
import { Bundling } from '@aws-cdk/aws-lambda-go-alpha/lib/bundling';
import * as goAlphaUtil from '@aws-cdk/aws-lambda-go-alpha/lib/util';
import { DockerImage, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ServiceConfig } from '../lib/config-types';
import { DEPLOY_TAGS, GO_BUILD_FLAGS } from '../lib/go-lambda';
import { allServices, fakeProjectRoot, fixture, PROJECT_ROOT, type Props, synth, tempDir, withoutServices } from './helpers';

const goFixture: ServiceConfig = { ...fixture, bundling: 'go-function', alarms: true };

/** The template without what only depends on where the code comes from. */
function withoutCode(template: Props): Props {
  const copy = JSON.parse(JSON.stringify(template));
  for (const resource of Object.values<Props>(copy.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      delete resource.Properties.Code;
      for (const key of Object.keys(resource.Metadata ?? {})) {
        if (key.startsWith('aws:asset:')) delete resource.Metadata[key];
      }
    }
  }
  return copy;
}

describe('go-function', () => {
  test('a GoFunction per function, compiled from cmd/<name> of the module', () => {
    const projectRoot = fakeProjectRoot(['api', 'hello']);
    const fromAsset = jest.spyOn(lambda.Code, 'fromAsset');
    try {
      const { stack } = synth(goFixture, { projectRoot });
      for (const name of ['api', 'hello']) {
        expect(stack.functions.get(name)).toBeInstanceOf(GoFunction);
      }
      // GoFunction stages the module root and runs `go build` in it.
      expect(fromAsset).toHaveBeenCalledTimes(2);
      for (const [call, name] of fromAsset.mock.calls.map((c, i) => [c, ['api', 'hello'][i]] as const)) {
        const [assetPath, options] = call;
        expect(assetPath).toBe(projectRoot);
        expect(options?.bundling?.environment).toEqual({
          CGO_ENABLED: '0',
          GO111MODULE: 'on',
          GOOS: 'linux',
          GOARCH: 'arm64',
        });
        expect(options?.bundling?.command).toEqual([
          'bash',
          '-c',
          'go build -o "/asset-output/bootstrap" -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" ' +
            `-tags lambda.norpc,awsconfig.lambdaonly ./cmd/${name}`,
        ]);
        expect(options?.bundling?.local).toBeDefined(); // bundles with the local Go toolchain
      }
    } finally {
      fromAsset.mockRestore();
    }
  });

  test('GO_BUILD_FLAGS are the Makefile\'s', () => {
    const makefile = fs.readFileSync(path.join(PROJECT_ROOT, 'Makefile'), 'utf8');
    expect(makefile).toContain(`GO_BUILD_FLAGS := ${GO_BUILD_FLAGS.join(' ')}\n`);
  });

  test('DEPLOY_TAGS are the Makefile\'s, so GoFunction deploys what make build does', () => {
    const makefile = fs.readFileSync(path.join(PROJECT_ROOT, 'Makefile'), 'utf8');
    expect(makefile).toContain(`DEPLOY_TAGS ?= ${DEPLOY_TAGS}\n`);
  });

  test.each([
    ['arm64', 'provided.al2023', 'arm64'],
    ['x86_64', 'provided.al2', 'amd64'],
  ] as const)('runtime and architecture are explicit: %s on %s', (architecture, runtime, goarch) => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined); // provided.al2's deprecation
    const fromAsset = jest.spyOn(lambda.Code, 'fromAsset');
    try {
      const { template } = synth({ ...goFixture, architecture, runtime });
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: runtime,
        Architectures: [architecture],
        Handler: 'bootstrap',
      });
      expect(fromAsset.mock.calls[0][1]?.bundling?.environment?.GOARCH).toBe(goarch);
    } finally {
      fromAsset.mockRestore();
      errors.mockRestore();
    }
  });

  test('everything but the code is the same as with prebuilt bootstraps', () => {
    for (const config of [
      goFixture,
      withoutServices({ ...goFixture, tracing: false, alarms: false, functions: [fixture.functions[1]] }),
      { ...allServices, bundling: 'go-function' as const, alarms: true },
    ]) {
      const go = synth(config).template.toJSON();
      const prebuilt = synth({ ...config, bundling: 'prebuilt' }).template.toJSON();
      expect(withoutCode(go)).toEqual(withoutCode(prebuilt));
      // ...and the code differs only in its asset.
      const codes = [go, prebuilt].map((t) => Object.values<Props>(t.Resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => Object.keys(r.Properties.Code).sort()));
      expect(codes[0]).toEqual(codes[1]);
    }
  });

  test('the goBuildFlags security warning is acknowledged, with a reason', () => {
    const { stack } = synth(goFixture);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    const acks = stack.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((entry) => entry.data as Record<string, string>);
    const reason = acks.map((ack) => ack['Annotation::@aws-cdk/aws-lambda-go-alpha:goBuildFlagsSecurityWarning']).find(Boolean);
    expect(reason).toMatch(/GO_BUILD_FLAGS/);
  });

  test('prebuilt mode creates no GoFunction and needs no go.mod', () => {
    const { stack } = synth(fixture, { projectRoot: tempDir() });
    expect(stack.functions.get('api')).not.toBeInstanceOf(GoFunction);
  });
});

describe('go-function errors are reported at synth', () => {
  test('function without cmd/<name>', () => {
    expect(() => synth(goFixture, { projectRoot: fakeProjectRoot(['api']) }))
      .toThrow(/cmd\/hello not found; every function needs its cmd\/hello package/);
  });

  test('no go.mod', () => {
    expect(() => synth(goFixture, { projectRoot: tempDir() })).toThrow(/go\.mod not found/);
  });

  test('Go missing when the stack is bundled: a clear error, no Docker', () => {
    const savedPath = process.env.PATH;
    process.env.PATH = tempDir(); // an empty directory: no go, no docker
    try {
      expect(() => synth(goFixture, { context: { 'aws:cdk:bundling-stacks': ['**'] } }))
        .toThrow(/'go' is not on PATH; install Go .* or set bundling: 'prebuilt'/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  test('Go missing, bundling skipped (tests, other stacks): synthesizes, without Docker', () => {
    // GoFunction probes `go version` once per process (in the real environment, which
    // process.env.PATH in a jest test does not change): make that probe fail.
    Bundling.clearRunsLocallyCache();
    const probe = jest.spyOn(goAlphaUtil, 'getGoBuildVersion').mockReturnValue(undefined);
    const dockerBuild = jest.spyOn(DockerImage, 'fromBuild');
    try {
      const { template } = synth(goFixture);
      template.resourceCountIs('AWS::Lambda::Function', 2);
      expect(probe).toHaveBeenCalled();
      expect(dockerBuild).not.toHaveBeenCalled();
    } finally {
      probe.mockRestore();
      dockerBuild.mockRestore();
      Bundling.clearRunsLocallyCache();
    }
  });
});

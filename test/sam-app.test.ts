// The example SAM application (examples/sam-app): its template, and its functions bundled with
// esbuild as `sam build` does and invoked as Lambda does.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deaggregateRecords } from '@kpl-lambda/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { pythonTool } from './helpers/pythonTools.js';

const appDirectory = join(__dirname, '../examples/sam-app');

interface Resource {
  Type: string;
  Properties: Record<string, unknown> & {
    Handler?: string;
    Runtime?: string;
    Events?: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    Policies?: Array<Record<string, unknown>>;
  };
  Metadata?: { BuildMethod?: string; BuildProperties?: Record<string, unknown> };
}
interface Results {
  template: { Globals: { Function: { Runtime: string } }; Resources: Record<string, Resource> };
  node: string;
  middyInBundle: Record<string, string>;
  exports: Record<string, string>;
  invocations: Record<string, unknown>;
  apiCalls: Record<string, string[]>;
  userRecordsOnStream: number;
}

// Bundling and invoking run in Node itself: lambda-local loads ESM bundles with import(), which
// Jest's CommonJS runtime cannot.
const results: Results = JSON.parse(
  execFileSync(process.execPath, [join(__dirname, 'fixtures/invoke-bundles.mjs')], {
    encoding: 'utf8',
  }),
);
const functions = Object.entries(results.template.Resources).filter(
  ([, resource]) => resource.Type === 'AWS::Serverless::Function',
);
const kinesisEvents = functions.flatMap(([name, resource]) =>
  Object.values(resource.Properties.Events ?? {})
    .filter((event) => event.Type === 'Kinesis')
    .map((event) => [name, event.Properties] as const),
);

const cfnLint = pythonTool('cfn-lint', 'the template lint test');

describe('examples/sam-app template', () => {
  (cfnLint === undefined ? it.skip : it)('passes cfn-lint', () => {
    const lint = spawnSync(cfnLint!, ['template.yaml'], { cwd: appDirectory, encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('has a producer and two consumers, each bundled with esbuild, on a supported Node.js runtime', () => {
    expect(functions.map(([name]) => name).sort()).toEqual([
      'MiddyConsumerFunction',
      'PowertoolsConsumerFunction',
      'ProducerFunction',
    ]);
    const runtime = results.template.Globals.Function.Runtime;
    expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    for (const [, resource] of functions) expect(resource.Metadata?.BuildMethod).toBe('esbuild');
  });

  it('is bundled for the Node.js of its runtime, and run on it here, with Middy 7', () => {
    const major = /^nodejs(\d+)\.x$/.exec(results.template.Globals.Function.Runtime)?.[1];
    for (const [, resource] of functions) {
      expect(resource.Metadata?.BuildProperties).toMatchObject({ Target: `node${major}` });
    }
    expect(results.node.split('.')[0]).toBe(major);
    expect(results.middyInBundle).toEqual({ MiddyConsumerFunction: expect.stringMatching(/^7\./) });
  });

  it('has handlers that resolve to exported functions of the bundles', () => {
    expect(results.exports).toEqual({
      ProducerFunction: 'function',
      MiddyConsumerFunction: 'function',
      PowertoolsConsumerFunction: 'function',
    });
  });

  it('reports batch item failures, bisects, bounds retries and has an on-failure destination on every Kinesis mapping', () => {
    expect(kinesisEvents).toHaveLength(2);
    for (const [, properties] of kinesisEvents) {
      expect(properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: expect.any(Number),
        DestinationConfig: {
          OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['FailedBatchesQueue', 'Arn'] } },
        },
      });
    }
  });

  it('grants each function the AWS calls its code makes, each on its one resource, and no more', () => {
    const resourceOf: Record<string, unknown> = {
      kinesis: { 'Fn::GetAtt': ['OrdersStream', 'Arn'] },
      dynamodb: { 'Fn::GetAtt': ['CheckpointTable', 'Arn'] },
    };
    const granted = (name: string) =>
      (results.template.Resources[name]!.Properties.Policies ?? [])
        .flatMap(
          (policy) =>
            (policy.Statement as Array<{ Action: string[]; Resource: unknown }> | undefined) ?? [],
        )
        .flatMap((statement) => {
          for (const action of statement.Action) {
            expect(statement.Resource).toEqual(resourceOf[action.split(':')[0]!]);
          }
          return statement.Action;
        });
    for (const [name] of functions) {
      expect({ name, actions: granted(name).sort() }).toEqual({
        name,
        actions: results.apiCalls[name],
      });
    }
    expect(results.apiCalls.ProducerFunction).toEqual([
      'kinesis:DescribeStreamSummary',
      'kinesis:ListShards',
      'kinesis:PutRecords',
    ]);
    for (const consumer of ['MiddyConsumerFunction', 'PowertoolsConsumerFunction']) {
      expect(results.apiCalls[consumer]).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
      ]);
    }
  });
});

describe('examples/sam-app functions, bundled and invoked as Lambda does', () => {
  const event = (name: string) =>
    JSON.parse(readFileSync(join(appDirectory, 'events', name), 'utf8')) as KinesisStreamEvent;

  it('ship sample events made of real KPL aggregates', () => {
    const userRecords = deaggregateRecords(event('kinesis-aggregated.json').Records, {
      onCorrupt: 'throw',
    });
    expect(userRecords.filter((record) => record.kinesis.aggregated)).toHaveLength(8);
    expect(userRecords.filter((record) => !record.kinesis.aggregated)).toHaveLength(1);
  });

  it.each(['MiddyConsumerFunction', 'PowertoolsConsumerFunction'])(
    '%s processes the aggregated sample event',
    (name) => {
      expect(results.invocations[`${name} kinesis-aggregated.json`]).toEqual({
        batchItemFailures: [],
      });
    },
  );

  it.each(['MiddyConsumerFunction', 'PowertoolsConsumerFunction'])(
    '%s reports the parent of the poison order in the sample event',
    (name) => {
      const parent = event('kinesis-poison.json').Records[0]!.kinesis.sequenceNumber;
      expect(results.invocations[`${name} kinesis-poison.json`]).toEqual({
        batchItemFailures: [{ itemIdentifier: parent }],
      });
    },
  );

  it('the producer writes its orders, aggregated, to a Kinesis stream', () => {
    expect(results.invocations['ProducerFunction producer.json']).toEqual({ written: 1_001 });
    expect(results.userRecordsOnStream).toBe(1_001);
  });
});

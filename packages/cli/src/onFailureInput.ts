import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { RedriveBatchInfo, RedrivePayload } from '@kpl-lambda/checkpoints/redrive';
import { s3ClientFor } from './awsClients.js';
import type { ConnectionOptions } from './endpoints.js';
import { KplCliInputError, KplCliUsageError } from './errors.js';
import { readInput } from './io.js';
import type { CliIo } from './types.js';

/** A batch an on-failure destination names; with its records when an S3 destination kept them. */
export interface GivenUpBatch {
  batchInfo: RedriveBatchInfo;
  payload?: RedrivePayload;
}

const S3_URL = /^s3:\/\/([^/]+)\/(.+)$/;

/** Whether the input is an object in S3 (`s3://BUCKET/KEY`), which needs an S3 client. */
export const isS3Url = (file: string | undefined): file is string =>
  file?.startsWith('s3://') === true;

/**
 * The text of the on-failure input: a file, standard input, or an S3 destination's object
 * (`s3://BUCKET/KEY`, read with GetObject).
 */
export async function readOnFailureInput(
  file: string | undefined,
  connection: ConnectionOptions,
  io: CliIo,
): Promise<string> {
  if (!isS3Url(file)) return (await readInput(file, io)).toString('utf8');
  const [, Bucket, Key] = S3_URL.exec(file) ?? [];
  if (Bucket === undefined || Key === undefined) {
    throw new KplCliUsageError(`${file} is not an S3 object: give s3://BUCKET/KEY`);
  }
  const s3 = await s3ClientFor(connection, io);
  try {
    const { Body } = await s3.client.send(new GetObjectCommand({ Bucket, Key }));
    /* v8 ignore next -- GetObject answers with a Body (an empty object's too): typed optional */
    return (await Body?.transformToString('utf8')) ?? '';
  } finally {
    s3.close();
  }
}

/**
 * Every batch an on-failure input names, however it was fetched: Lambda's record (from an SQS
 * or SNS destination: metadata only), an SQS message or a ReceiveMessage output of them, or the
 * object of an S3 destination, whose `payload` holds the batch's records.
 */
export function givenUpBatchesOf(text: string): GivenUpBatch[] {
  const message = parseJson(text);
  const messages = (message as { Messages?: unknown[] } | null)?.Messages ?? [message];
  return messages.map((entry) => {
    const body = (entry as { Body?: unknown } | null)?.Body;
    const record = (typeof body === 'string' ? parseJson(body) : entry) as {
      KinesisBatchInfo?: RedriveBatchInfo;
      payload?: RedrivePayload;
    } | null;
    const batchInfo = record?.KinesisBatchInfo;
    if (batchInfo === undefined) {
      throw new KplCliUsageError(
        'The input is not an on-failure destination message: it has no KinesisBatchInfo',
      );
    }
    return record?.payload === undefined ? { batchInfo } : { batchInfo, payload: record.payload };
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KplCliInputError(
      `The input is not JSON (${(error as Error).message}): give the on-failure destination's message`,
      { cause: error },
    );
  }
}

import type { KinesisStreamRecord } from 'aws-lambda';
import type { KinesisStreamUserRecord } from '../types.js';
import type { LambdaUserRecordPayload } from './LambdaUserRecordPayload.js';

/**
 * A user record that `deaggregateRecords` unpacked from a Lambda record with exactly Lambda's
 * fields: those fields, in Lambda's order. Made by a constructor rather than an object literal
 * because V8 moves a literal whose objects outlive a collection into the old generation from then
 * on, and a dead batch there keeps its young user records' data alive until the next full
 * collection: at a 128 MB function's young generation that made large user records slower than
 * `aws-kinesis-agg` (`npm run bench`).
 */
export class LambdaUserRecord implements KinesisStreamUserRecord {
  declare kinesis: LambdaUserRecordPayload;
  declare eventSource: string;
  declare eventVersion: string;
  declare eventID: string;
  declare eventName: string;
  declare invokeIdentityArn: string;
  declare awsRegion: string;
  declare eventSourceARN: string;

  constructor(parent: KinesisStreamRecord, kinesis: LambdaUserRecordPayload) {
    this.kinesis = kinesis;
    this.eventSource = parent.eventSource;
    this.eventVersion = parent.eventVersion;
    this.eventID = parent.eventID;
    this.eventName = parent.eventName;
    this.invokeIdentityArn = parent.invokeIdentityArn;
    this.awsRegion = parent.awsRegion;
    this.eventSourceARN = parent.eventSourceARN;
  }
}

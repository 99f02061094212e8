// The options, checked when the producer is made: a misspelt one is a configuration error naming
// it, never a silent default.
import {
  KinesisProducer,
  type KinesisProducerOptions,
  KplProducerConfigurationError,
} from '@kpl-lambda/producer';
import { client, mockStream } from './mockKinesis.js';

beforeEach(() => {
  mockStream(2);
});

const make = (options: object) =>
  new KinesisProducer({ client, streamName: 's', ...options } as KinesisProducerOptions);

const refusal = (options: object) => {
  try {
    make(options);
  } catch (error) {
    return error;
  }
  throw new Error(`${JSON.stringify(options)} was taken`);
};

describe('KinesisProducer options', () => {
  it.each([
    [{ streamName: undefined }],
    [{ maxRecordBytes: 10_485_761 }],
    [{ maxRequestBytes: 100, maxRecordBytes: 1_000 }],
    [{ maxRecordsPerRequest: 501 }],
    [{ maxAttempts: 0 }],
    [{ partitionKey: 'a', partitionKeyFrom: 'b' }],
    [{ partitionKeyFrom: 42 }],
    [{ client: {} }],
    [{ logger: 'console' }],
  ])('refuses the options %j', (options) => {
    expect(refusal(options)).toBeInstanceOf(KplProducerConfigurationError);
  });

  it.each([
    ['maxBufferedMilliseconds', 'maxBufferedMs'],
    ['streamname', 'streamName'],
    ['maxBufferRecords', 'maxBufferedRecords'],
    ['partitionKeyForm', 'partitionKeyFrom'],
  ])('refuses the unknown option %s, suggesting %s', (key, closest) => {
    expect(refusal({ [key]: 10 })).toMatchObject({
      name: 'KplProducerConfigurationError',
      option: key,
      message: `Unknown option ${key}: did you mean ${closest}?`,
    });
  });

  it('takes the deprecated partitionKey, the old name of partitionKeyFrom', () => {
    expect(make({ partitionKey: 'customerId' })).toBeInstanceOf(KinesisProducer);
  });
});

// Every options object of the package is checked where it is given: a misspelt or unknown key is
// refused with the closest known one, never run with a default.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createCheckpointTable,
  DynamoDBCheckpointStore,
  InMemoryCheckpointStore,
  KplCheckpointsConfigurationError,
} from '@kpl-lambda/checkpoints';

const client = new DynamoDBClient({ region: 'us-east-1' });
const store = { client, tableName: 't', consumerName: 'c' };

describe('DynamoDBCheckpointStore options', () => {
  it('takes the consumer name from AWS_LAMBDA_FUNCTION_NAME, and refuses to guess without it', () => {
    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
    try {
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders-consumer';
      expect(() => new DynamoDBCheckpointStore({ client, tableName: 't' })).not.toThrow();
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      expect(() => new DynamoDBCheckpointStore({ client, tableName: 't' })).toThrow(
        expect.objectContaining({ option: 'consumerName' }),
      );
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
    }
  });

  it.each([
    ['client', 'missing', { tableName: 't', consumerName: 'c' }],
    ['client', 'without options', undefined],
    ['tableName', 'empty', { ...store, tableName: '' }],
    ['ttlSeconds', '0', { ...store, ttlSeconds: 0 }],
    ['ttlSeconds', 'a day', { ...store, ttlSeconds: 86_400 }],
    ['ttlSeconds', '366 days', { ...store, ttlSeconds: 366 * 86_400 }],
    ['ttlSeconds', 'not whole', { ...store, ttlSeconds: 172_800.5 }],
    ['clock', 'a number', { ...store, clock: 1_767_225_600_000 }],
    ['ttlSecs', 'unknown', { ...store, ttlSecs: 60 }],
    ['table', 'unknown', { ...store, table: 't' }],
  ])('refuses %s (%s)', (option, _, options) => {
    expect(() => new DynamoDBCheckpointStore(options as never)).toThrow(
      KplCheckpointsConfigurationError,
    );
    expect(() => new DynamoDBCheckpointStore(options as never)).toThrow(
      expect.objectContaining({ option }),
    );
  });

  it('takes a time to live from 2 days to 365 days, the longest a stream retains a record', () => {
    expect(() => new DynamoDBCheckpointStore({ ...store, ttlSeconds: 172_800 })).not.toThrow();
    expect(() => new DynamoDBCheckpointStore({ ...store, ttlSeconds: 31_536_000 })).not.toThrow();
    expect(() => new DynamoDBCheckpointStore({ ...store, ttlSeconds: 31_536_001 })).toThrow(
      'ttlSeconds must be an integer from 172800 to 31536000, got 31536001',
    );
  });

  it('names the option a misspelt one was meant to be', () => {
    expect(() => new DynamoDBCheckpointStore({ ...store, consumername: 'c' } as never)).toThrow(
      'Unknown option consumername: did you mean consumerName?',
    );
  });
});

describe('InMemoryCheckpointStore options', () => {
  it('refuses an unknown option, and a consumer name that is not a string', () => {
    expect(() => new InMemoryCheckpointStore({ consumer: 'c' } as never)).toThrow(
      expect.objectContaining({
        name: 'KplCheckpointsConfigurationError',
        option: 'consumer',
        message: 'Unknown option consumer: did you mean consumerName?',
      }),
    );
    expect(() => new InMemoryCheckpointStore({ consumerName: 7 } as never)).toThrow(
      expect.objectContaining({ option: 'consumerName' }),
    );
    expect(() => new InMemoryCheckpointStore()).not.toThrow();
  });
});

describe('createCheckpointTable options', () => {
  it.each([
    ['ttl', { client, tableName: 'cp', ttl: false }],
    ['timeToLive', { client, tableName: 'cp', timeToLive: 'no' }],
    ['client', { client: {}, tableName: 'cp' }],
    ['client', undefined],
    ['tableName', { client, tableName: 7 }],
  ])('refuses %s before any request', async (option, options) => {
    await expect(createCheckpointTable(options as never)).rejects.toThrow(
      expect.objectContaining({ name: 'KplCheckpointsConfigurationError', option }),
    );
  });
});

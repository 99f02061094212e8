import { assertOneSide, endpointOf } from '../src/endpoints.js';

describe('the endpoints of a command', () => {
  const local = 'http://127.0.0.1:4567';

  it('takes a service flag, then --endpoint, then the SDK variables of that service, then the global one', () => {
    const env = { AWS_ENDPOINT_URL_KINESIS: 'http://kinesis', AWS_ENDPOINT_URL: 'http://all' };
    expect(endpointOf('kinesis', { kinesisEndpoint: local, endpoint: 'http://x' }, env)).toEqual({
      url: local,
      from: '--kinesis-endpoint',
    });
    expect(endpointOf('kinesis', { endpoint: 'http://x' }, env)?.from).toBe('--endpoint');
    expect(endpointOf('kinesis', {}, env)?.from).toBe('AWS_ENDPOINT_URL_KINESIS');
    expect(endpointOf('dynamodb', {}, env)?.from).toBe('AWS_ENDPOINT_URL');
    expect(endpointOf('dynamodb', {}, {})).toBeUndefined();
    // As the SDK: the variables are ignored when told to be; the flags never are.
    const ignoring = { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(endpointOf('kinesis', {}, ignoring)).toBeUndefined();
    expect(endpointOf('kinesis', { endpoint: local }, ignoring)?.url).toBe(local);
  });

  it('refuses an endpoint that is not a URL, naming where it came from', () => {
    expect(() => endpointOf('kinesis', {}, { AWS_ENDPOINT_URL: 'localhost 4566' })).toThrow(
      'AWS_ENDPOINT_URL localhost 4566 is not an endpoint URL (http://host:port)',
    );
  });

  it('counts an endpoint of AWS (a VPC endpoint) as AWS, anything else as elsewhere', () => {
    const vpc = 'https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com';
    expect(() =>
      assertOneSide(['kinesis', 'dynamodb'], { kinesisEndpoint: vpc }, {}),
    ).not.toThrow();
    expect(() => assertOneSide(['kinesis', 'dynamodb'], { kinesisEndpoint: local }, {})).toThrow(
      'Kinesis to http://127.0.0.1:4567 (--kinesis-endpoint), but DynamoDB to AWS',
    );
    expect(() => assertOneSide(['kinesis'], { kinesisEndpoint: local }, {})).not.toThrow();
    expect(() => assertOneSide(['kinesis', 'dynamodb'], { endpoint: local }, {})).not.toThrow();
  });
});
